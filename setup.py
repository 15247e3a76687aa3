"""Only for building the egg Scrapyd deploys (`scrapyd-deploy`, or `python setup.py bdist_egg`);
everything else about the package is in pyproject.toml (setuptools >= 77 reads its license)."""

from setuptools import setup

setup()
