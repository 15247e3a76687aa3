"""Field readers: one module per field of an Article, each reading a parsed page.

A reader takes the `Page` (and the site's selectors, where a selector can name the field) and
returns its field, trying its sources in order of trust. Readers build on `primitives` and do
not import each other.
"""
