"""A counting SMTP sink in its own process, so that it does not share the GIL with
what is measured. Prints its port, then serves until stdin closes."""

import sys

from aiosmtpd.controller import Controller

from core.devmail import free_port


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802, ANN001
        self.count += 1
        return "250 OK"


def main() -> None:
    port = free_port()
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
