"""The [crawl] table: politeness and limits as the user writes them, as Scrapy receives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import CrawlConfig, parse_config
from monitor.errors import ConfigError


def crawl_table(text: str) -> CrawlConfig:
    return parse_config(text, path=Path("newsmon.toml"), environ={}).crawl


def test_defaults_are_polite() -> None:
    settings = crawl_table("").scrapy_settings()
    assert settings["DOWNLOAD_DELAY"] == "1.0"
    assert settings["AUTOTHROTTLE_ENABLED"] == "True"
    assert settings["DOWNLOAD_MAXSIZE"] == str(5 * 1024 * 1024)
    assert settings["DOWNLOAD_TIMEOUT"] == "30.0"
    assert settings["USER_AGENT"].startswith("newsmon/")


def test_the_table_reaches_scrapy() -> None:
    crawl = crawl_table(
        '[crawl]\ndelay = 0.25\ncontact = "mailto:ops@example.com"\n'
        'max_page_size = "2MB"\ntimeout = 10\n'
    )
    settings = crawl.scrapy_settings()
    assert settings["DOWNLOAD_DELAY"] == "0.25"
    assert settings["AUTOTHROTTLE_START_DELAY"] == "0.25"
    assert settings["DOWNLOAD_MAXSIZE"] == str(2 * 1024 * 1024)
    assert settings["DOWNLOAD_TIMEOUT"] == "10.0"
    assert settings["USER_AGENT"].endswith(" (+mailto:ops@example.com)")


def test_delay_zero_lifts_autothrottle() -> None:
    settings = crawl_table("[crawl]\ndelay = 0\n").scrapy_settings()
    assert settings["DOWNLOAD_DELAY"] == "0.0"
    assert settings["AUTOTHROTTLE_ENABLED"] == "False"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"ops@example.com"', "mailto:ops@example.com"),
        ('"https://example.com/bot"', "https://example.com/bot"),
    ],
)
def test_contact_forms(value: str, expected: str) -> None:
    assert crawl_table(f"[crawl]\ncontact = {value}\n").contact == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[crawl]\ndelay = -1\n", "crawl.delay: -1 is out of range"),
        ("[crawl]\ndelay = 'fast'\n", "crawl.delay: expected a number of seconds"),
        ("[crawl]\ntimeout = 0\n", "crawl.timeout: 0 is out of range; write more than 0"),
        ("[crawl]\ncontact = 'call me'\n", "crawl.contact: 'call me' is not a way to reach you"),
        ("[crawl]\nmax_page_size = '5 parsecs'\n", "crawl.max_page_size: '5 parsecs' is not"),
        ("[crawl]\ndelai = 1\n", "crawl.delai: unknown key (did you mean 'delay'?)"),
    ],
)
def test_bad_values_name_the_key(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        crawl_table(text)
    assert fragment in str(caught.value)


def test_site_listings_and_article_pattern_are_checked() -> None:
    site = (
        "[[site]]\nname = 's'\nhome = 'https://s.example/'\n"
        "listings = ['https://s.example/news/']\narticle_pattern = '/story/\\d+'\n"
    )
    (parsed,) = parse_config(site, path=Path("newsmon.toml"), environ={}).sites
    assert parsed.listings == ("https://s.example/news/",)
    assert parsed.article_pattern == r"/story/\d+"
    with pytest.raises(ConfigError, match=r"site\[1\]\.article_pattern: '/story/\(' is not a"):
        parse_config(site.replace(r"\d+", "("), path=Path("newsmon.toml"), environ={})


def test_scrapy_defaults_are_polite() -> None:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("DOWNLOAD_MAXSIZE") == 5 * 1024 * 1024
    assert settings.getint("RETRY_TIMES") == 2
