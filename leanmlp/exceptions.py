"""Errors raised by leanmlp: one class per kind of failure a user can act on."""


class LeanMLPError(Exception):
    """Base class of every error leanmlp raises on purpose."""


class DataFormatError(LeanMLPError, ValueError):
    """An input file is not what it claims to be (bad zip, truncated gzip, bad idx header...)."""


class ConfigError(LeanMLPError, ValueError):
    """A configuration value is out of range or inconsistent with another one."""


class DownloadError(LeanMLPError, OSError):
    """A download could not be completed (unreachable host, HTTP error, retries exhausted)."""


class ChecksumError(DownloadError):
    """A file's checksum differs from the expected one."""


class HostUnreachableError(DownloadError):
    """The server could not be reached at all (no network, name not resolved, refused)."""
