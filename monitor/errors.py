"""newsmon's exceptions; cli.py turns them into messages and exit codes."""


class NewsmonError(Exception):
    """Base of every error newsmon reports to its user."""

    exit_code = 1


class ConfigError(NewsmonError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 2


class QueryError(NewsmonError):
    """A watch query cannot be parsed."""

    exit_code = 2

    def __init__(self, message: str, query: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.query = query
        self.position = position


class LockHeld(NewsmonError):
    """Another newsmon run holds the run lock of this store (EX_TEMPFAIL: try again later)."""

    exit_code = 75


class CrawlError(NewsmonError):
    """The crawl subprocess failed."""


class CrawlTimeout(CrawlError):
    """The crawl subprocess ran past its time limit and was stopped."""


class DeliveryError(NewsmonError):
    """A digest could not be delivered."""
