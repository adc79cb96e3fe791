"""A program run on a pseudo-terminal, and a small screen that reads what it draws.

Only what Rich and prompt_toolkit send is understood: text (Chinese taking two cells), CR, LF,
backspace, cursor moves (CSI A B C D G H), erasing (CSI J K) and autowrap on or off (CSI ?7);
colours and other modes are skipped. Enough to see what the writer sees, with no terminal
emulator to install.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
import unicodedata
from pathlib import Path

_SEQUENCE = re.compile(
    r"\x1b\[(?P<private>[?>=]?)(?P<params>[0-9;]*)[ -/]*(?P<final>[@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (a window title)
    r"|\x1b[()][0-9A-Za-z]|\x1b[=>78]"  # character sets, keypad, cursor save
    r"|(?P<text>[^\x1b]+)"
    r"|\x1b"
)

KEYS = {
    "enter": "\r",
    "backspace": "\x7f",
    "delete": "\x1b[3~",
    "left": "\x1b[D",
    "right": "\x1b[C",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "ctrl-c": "\x03",
}


def cells(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class Screen:
    """Rows of cells; a wide character fills its cell and marks the next one as its tail."""

    TAIL = ""

    def __init__(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.grid = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.autowrap = True
        self.scrolled: list[str] = []  # lines gone off the top, oldest first

    def line(self, n: int) -> str:
        return "".join(self.grid[n]).rstrip()

    def lines(self) -> list[str]:
        return [self.line(n) for n in range(self.rows)]

    def cursor_line(self) -> str:
        return self.line(self.row)

    def prompt_lines(self, above: int = 6) -> str:
        """The cursor's line and a few above it: a question with a long pre-filled answer
        wraps, and the cursor ends on its last line."""
        return "\n".join(self.line(n) for n in range(max(0, self.row - above), self.row + 1))

    def feed(self, data: str) -> None:
        for match in _SEQUENCE.finditer(data):
            text = match.group("text")
            if text is not None:
                self._text(text)
            elif match.group("final"):
                self._csi(match.group("private"), match.group("params"), match.group("final"))

    def _text(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self._down()
            elif char == "\b":
                self.col = max(0, self.col - 1)
            elif char >= " ":
                self._put(char)

    def _put(self, char: str) -> None:
        width = cells(char)
        if self.col + width > self.cols:
            if not self.autowrap:
                return
            self.col = 0
            self._down()
        row = self.grid[self.row]
        if row[self.col] == self.TAIL and self.col:  # half of a wide character: clear it
            row[self.col - 1] = " "
        row[self.col] = char
        if width == 2:
            row[self.col + 1] = self.TAIL
        self.col += width

    def _down(self) -> None:
        if self.row == self.rows - 1:
            self.scrolled.append(self.line(0))
            self.grid = [*self.grid[1:], [" "] * self.cols]
        else:
            self.row += 1

    def _csi(self, private: str, params: str, final: str) -> None:
        numbers = [int(p) if p else 0 for p in params.split(";")] if params else []
        n = numbers[0] if numbers and numbers[0] else 1
        if private == "?":
            if 7 in numbers and final in "hl":
                self.autowrap = final == "h"
            return
        if final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row = min(self.rows - 1, self.row + n)
        elif final == "C":
            self.col = min(self.cols - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "G":
            self.col = min(self.cols - 1, n - 1)
        elif final in "Hf":
            row, col = [*numbers, 1, 1][:2]
            self.row, self.col = min(self.rows, max(row, 1)) - 1, min(self.cols, max(col, 1)) - 1
        elif final == "K":
            self._erase_line(numbers[0] if numbers else 0)
        elif final == "J":
            how = numbers[0] if numbers else 0
            self._erase_line(how)
            below = range(self.row + 1, self.rows) if how == 0 else range(self.rows)
            if how in (0, 2):
                for r in below:
                    self.grid[r] = [" "] * self.cols

    def _erase_line(self, how: int) -> None:
        row = self.grid[self.row]
        span = {0: range(self.col, self.cols), 1: range(self.col + 1), 2: range(self.cols)}[how]
        for c in span:
            row[c] = " "


class Terminal:
    """A command on a new pseudo-terminal of ``rows`` × ``cols``, read into a ``Screen``."""

    def __init__(
        self, argv: list[str], cwd: Path, env: dict[str, str], rows: int = 50, cols: int = 100
    ) -> None:
        import pty

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = Screen(rows, cols)
        self.raw = b""
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True
        )
        os.close(slave)
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.fresh = ""  # the text drawn since the last keys were sent, without escapes

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the program ended and the pty closed
            return False
        if not data:
            return False
        self.raw += data
        text = self._decoder.decode(data)
        self.screen.feed(text)
        self.fresh += _SEQUENCE.sub(lambda m: m.group("text") or "", text)
        return True

    def wait_for_prompt(self, text: str, timeout: float = 60) -> None:
        """Until ``text`` (the next question) is drawn after the keys last sent, and is on the
        lines up to the cursor: an earlier question on the screen does not count."""
        end = time.monotonic() + timeout
        while text not in self.fresh or text not in self.screen.prompt_lines():
            if time.monotonic() > end:
                raise TimeoutError(f"no prompt {text!r}; the screen:\n" + "\n".join(self.lines()))
            self._read(0.1)

    def settle(self, quiet: float = 0.4, timeout: float = 20) -> None:
        """Until the program has drawn nothing for ``quiet`` seconds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self._read(quiet):
            pass

    def send(self, *keys: str) -> None:
        self.fresh = ""
        for key in keys:
            os.write(self.master, KEYS.get(key, key).encode("utf-8"))

    def lines(self) -> list[str]:
        return [*self.screen.scrolled, *self.screen.lines()]

    def finish(self, timeout: float = 60) -> int:
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self._read(0.1)
        while self._read(0.05):
            pass
        code = self.proc.wait(max(0.1, end - time.monotonic()))
        os.close(self.master)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        with contextlib.suppress(OSError):  # closed already by finish()
            os.close(self.master)
