"""Scrapy settings for `scrapy crawl news`: polite defaults and newsmon's pipelines.

newsmon passes NEWSMON_DB (the SQLite file), NEWSMON_SITES (a JSON list of sites) and
NEWSMON_RUN (an id the runner reads the crawl's results back by) as `-s` settings.
"""

BOT_NAME = "newsmon"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "newsmon/0.1 (self-hosted news monitor; polite crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # early for requests (drops what is not due before robots.txt is asked), late for
    # responses (sees a re-check's answer after retries and redirects)
    "crawler.middlewares.KnownArticleMiddleware": 80,
    # after RetryMiddleware (550) in the response chain: sees 429/503 and dead hosts before a
    # retry is scheduled, and holds the retry
    "crawler.hosts.HostGuard": 560,
    # before RedirectMiddleware (600) sees a response: a redirect back into its own chain is
    # reported as a loop instead of being dropped by the duplicate filter
    "crawler.problems.RedirectLoopMiddleware": 650,
}

EXTENSIONS = {
    "crawler.progress.ProgressFile": 500,  # only with NEWSMON_PROGRESS (a terminal's progress)
}

ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.StorePipeline": 300,
}

NEWSMON_DB = "newsmon.db"
NEWSMON_SITES = "[]"
NEWSMON_RUN = ""
# Sitemap entries and index children older than this many days are not followed.
NEWSMON_SITEMAP_DAYS = 2
# At most this many articles are followed from one sitemap or listing page per run.
NEWSMON_MAX_ENTRIES = 200

# The largest response read (newsmon's [crawl] max_page_size), and fewer hops for a redirect loop.
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 5
# Extraction worker processes: "auto" (one per core; inline on one core) or a number (0: inline).
NEWSMON_EXTRACT_WORKERS = "auto"
# Scrapy handles each callback's output with this many tasks; ours yield one item or a feed's
# requests, and 100 tasks per page cost more than they help.
CONCURRENT_ITEMS = 8
