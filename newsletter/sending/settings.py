"""How a sender sends: batch size, rate caps, retries, when a silent sender's lease
ends. From the app's config (README: Settings)."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SendSettings:
    batch_size: int = 100
    rate_per_second: float = 0.0  # 0: as fast as the relay accepts
    rate_per_hour: int = 0  # 0: no hourly cap
    max_attempts: int = 5
    backoff_seconds: float = 60.0
    max_consecutive_errors: int = 20
    stale_after_seconds: int = 120

    @classmethod
    def from_config(cls, config: Any) -> "SendSettings":
        return cls(
            batch_size=int(config["SEND_BATCH_SIZE"]),
            rate_per_second=float(config["MAIL_RATE_PER_SECOND"]),
            rate_per_hour=int(config["MAIL_RATE_PER_HOUR"]),
            max_attempts=int(config["MAIL_MAX_ATTEMPTS"]),
            backoff_seconds=float(config["MAIL_RETRY_BACKOFF_SECONDS"]),
            max_consecutive_errors=int(config["MAIL_MAX_CONSECUTIVE_ERRORS"]),
            stale_after_seconds=int(config["SENDER_STALE_SECONDS"]),
        )
