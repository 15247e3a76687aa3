"""Shared primitives of extraction: what the field readers read through, with no field logic.

The parsed page (meta tags, JSON-LD, microdata, selectors), text blocks and page furniture, the
lines a site adds inside its stories (notices, labels, teaser cards), headline blocks and the
date labels beside the headline, person and site names, word shingles. Primitives import only
each other.
"""
