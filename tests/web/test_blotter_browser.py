"""The blotter page in headless Chromium against a gateway process: a token typed in, an
order appearing, a fill, a cancel, a gateway restart ridden out, the kill switch. The
screen after the restart is saved to build/blotter.png."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.connect import GATEWAY, JSON, SIMULATOR, bearer, limit_order

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "build" / "blotter.png"
OPS = "ops-token-0123456789abcdef"
VIEWER = "viewer-token-0123456789abc"
AUTH_FILE = f"""
[[tokens]]
name = "ops"
token = "{OPS}"
scopes = ["admin"]
accounts = ["*"]

[[tokens]]
name = "viewer"
token = "{VIEWER}"
scopes = ["orders:read"]
accounts = ["*"]
"""


def _browser_paths() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        message = "needs Debian's chromium and chromium-driver (make browser installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return chromium, driver


@dataclass
class GatewayProcess:
    proc: subprocess.Popen[str]
    http_port: int
    log: list[str]
    drain: threading.Thread

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=30)
        self.drain.join(timeout=10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def start_gateway(db: Path, auth: Path, http_port: int = 0) -> GatewayProcess:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ibkr_gateway.cli",
            "serve",
            "--listen=127.0.0.1:0",
            f"--http-listen=127.0.0.1:{http_port}",
            f"--db={db}",
            f"--auth-file={auth}",
            "--heartbeat-interval=1",
            "--shutdown-grace=1",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    log: list[str] = []
    port = 0
    while True:
        line = proc.stderr.readline()
        log.append(line)
        if not line:
            raise RuntimeError(f"the gateway exited with {proc.wait()}: {''.join(log)}")
        found = re.search(r"http serving on 127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
        if "gateway serving on" in line:
            break
    # Drained, so that the gateway never blocks on a full pipe.
    drain = threading.Thread(target=lambda: log.extend(proc.stderr or ()), daemon=True)
    drain.start()
    return GatewayProcess(proc, port, log, drain)


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    chromium, driver_path = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        # Root in a container has no user namespace for Chromium's sandbox.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver

    def wait(self, what: str, condition: Callable[[], Any], timeout: float = 15) -> Any:
        def check(_: WebDriver) -> Any:
            try:
                return condition()
            except StaleElementReferenceException:
                return False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(check)
        except TimeoutException:
            raise AssertionError(f"the page never showed {what}: {self.text('body')}") from None

    def text(self, selector: str) -> str:
        return str(self.driver.find_element(By.CSS_SELECTOR, selector).text)

    def rows(self, table: str) -> list[Any]:
        return list(self.driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr"))

    def row(self, table: str, client_order_id: str) -> Any:
        found = self.driver.find_elements(
            By.CSS_SELECTOR, f'#{table} tbody tr[data-client-order-id="{client_order_id}"]'
        )
        return found[0] if found else None

    def status(self, table: str, client_order_id: str) -> str:
        row = self.row(table, client_order_id)
        return "" if row is None else str(row.find_element(By.CSS_SELECTOR, "td.status").text)

    def position(self, symbol: str) -> tuple[str, str]:
        """(quantity, last change) of the symbol's row in the positions table."""
        found = self.driver.find_elements(
            By.CSS_SELECTOR, f'#positions tbody tr[data-symbol="{symbol}"]'
        )
        if not found:
            return ("", "")
        row = found[0]
        return (
            str(row.find_element(By.CSS_SELECTOR, "td.quantity").text),
            str(row.find_element(By.CSS_SELECTOR, "td.cause").text),
        )

    def use_token(self, token: str) -> None:
        self.driver.find_element(By.ID, "token").send_keys(token)
        self.driver.find_element(By.CSS_SELECTOR, "#token-form button").click()

    def visible(self, selector: str) -> bool:
        return any(e.is_displayed() for e in self.driver.find_elements(By.CSS_SELECTOR, selector))


def test_the_blotter_follows_orders_fills_cancels_and_restarts(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    auth = tmp_path / "auth.toml"
    auth.write_text(AUTH_FILE)
    db = tmp_path / "gateway.db"
    gateway = start_gateway(db, auth)
    base = f"http://127.0.0.1:{gateway.http_port}"
    ops = JSON | bearer(OPS)
    try:
        page = Page(browser)
        browser.get(base + "/")
        page.wait("that it needs a token", lambda: "enter a token" in page.text("#notice"))

        # A reader sees orders but is offered no cancel and no kill switch.
        page.use_token(VIEWER)
        page.wait("the live stream", lambda: page.text("#link") == "live")
        with httpx.Client(base_url=base, timeout=10) as http:
            placed = http.post(GATEWAY + "SubmitOrder", json=limit_order("web-a"), headers=ops)
            order_id = placed.json()["order"]["orderId"]
            page.wait("the order", lambda: page.status("working", "web-a") == "SUBMITTED")
            assert not page.visible("#working button.cancel")
            assert not page.visible("#kill-toggle")
            assert "viewer: orders:read" in page.text("#caller")

            page.use_token(OPS)
            page.wait("cancel buttons", lambda: page.visible("#working button.cancel"))

            filled = http.post(
                SIMULATOR + "FillOrder", json={"order_id": order_id, "quantity": "4"}, headers=ops
            )
            assert filled.status_code == 200, filled.text
            page.wait("the fill", lambda: len(page.rows("fills")) == 1)
            page.wait(
                "a partly filled order",
                lambda: page.status("working", "web-a") == "PARTIALLY_FILLED",
            )
            assert page.row("fills", "web-a") is not None
            page.wait("the position the fill made", lambda: page.position("AAPL") == ("4", "fill"))

            page.row("working", "web-a").find_element(By.CSS_SELECTOR, "button.cancel").click()
            page.wait("the cancelled order", lambda: page.status("recent", "web-a") == "CANCELLED")
            assert page.row("working", "web-a") is None

        # The gateway goes away and comes back on the same port: the page resumes after the
        # last sequence it saw, so nothing is lost or shown twice.
        before = int(page.text("#sequence").split()[-1])
        gateway.stop()
        page.wait("the lost connection", lambda: page.text("#link").startswith("reconnecting"))
        gateway = start_gateway(db, auth, http_port=gateway.http_port)
        with httpx.Client(base_url=base, timeout=10) as http:
            http.post(GATEWAY + "SubmitOrder", json=limit_order("web-b"), headers=ops)
            http.post(GATEWAY + "SubmitOrder", json=limit_order("web-c", "49"), headers=ops)
            page.wait("orders placed after the restart", lambda: len(page.rows("working")) == 2)
            assert page.text("#link") == "live"
            assert int(page.text("#sequence").split()[-1]) > before
            assert len(page.rows("fills")) == 1
            assert page.position("AAPL") == ("4", "fill")
            assert len(page.rows("positions")) == 1
            assert [r.get_attribute("data-client-order-id") for r in page.rows("recent")] == [
                "web-a"
            ]

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(SCREENSHOT))

            # Engaging the kill switch takes two clicks and cancels the working orders.
            toggle = browser.find_element(By.ID, "kill-toggle")
            browser.find_element(By.ID, "kill-reason").send_keys("end of the demo")
            toggle.click()
            assert toggle.text == "Confirm engage"
            toggle.click()
            page.wait("the engaged kill switch", lambda: "ENGAGED" in page.text("#kill"))
            page.wait("no working orders", lambda: not page.rows("working"))
            assert "end of the demo (by ops" in page.text("#kill-detail")
            assert len(page.rows("recent")) == 3

        errors = [
            entry
            for entry in browser.get_log("browser")  # type: ignore[no-untyped-call]
            if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]
        ]
        assert errors == []
    finally:
        gateway.stop()
