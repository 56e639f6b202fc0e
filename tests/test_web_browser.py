"""The workbench in a real browser: `talentkg workbench` on 127.0.0.1 (a free port, stopped by its
pid), driven by Debian's Chromium headless through selenium and /usr/bin/chromedriver — nothing is
downloaded (the driver path is given, SE_OFFLINE is set, background networking is off).

Screenshots go to a temporary folder (TALENTKG_SCREENSHOTS=DIR keeps them in DIR).
Figures from seed 004: Mike (Guangzhou, 2023-12, RMB 65,000) → A, threshold 62,694 = 6 × 10,449.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("Debian's chromium and chromium-driver are not installed (make sysdeps)", allow_module_level=True)

pytest.importorskip("selenium")  # dev extra
os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never download a driver or a browser

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--lang=en-US",
    "--window-size=1280,1000",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """`talentkg workbench` in a subprocess on a free port; yields its base URL; stopped by pid."""
    exe = str(Path(sys.executable).with_name("talentkg"))
    last = ""
    for _ in range(3):  # the port may be taken between choosing and binding: try another
        port = _free_port()
        proc = subprocess.Popen(
            [exe, "workbench", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        try:
            while time.time() < deadline and proc.poll() is None:
                try:
                    urllib.request.urlopen(url + "/static/app.css", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.3)
            if proc.poll() is None and time.time() < deadline:
                yield url
                return
            last = proc.stderr.read().decode(errors="replace")[-500:] if proc.poll() is not None else "timeout"
        finally:
            _stop(proc)
    pytest.fail(f"the workbench did not start: {last}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    keep = os.environ.get("TALENTKG_SCREENSHOTS")
    d = Path(keep) if keep else tmp_path_factory.mktemp("screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in CHROME_FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    opts.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


def _wait(driver, css: str, timeout: float = 30):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def _set(driver, css: str, value: str) -> None:
    el = driver.find_element(By.CSS_SELECTOR, css)
    if el.get_attribute("type") == "date":  # the picker's typing order depends on the locale: set the value
        driver.execute_script("arguments[0].value = arguments[1]", el, value)
    else:
        el.clear()
        el.send_keys(value)


def _requested_hosts(driver) -> set[str]:
    from urllib.parse import urlparse

    hosts = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            u = msg["params"]["request"]["url"]
            if u.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlparse(u).hostname)
    return hosts


def test_library_query_through_its_form(server, browser, shots):
    browser.get(server + "/?lang=en")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/query/salary_threshold"]').click()
    _wait(browser, "#query-form")
    _set(browser, "#in-city", "广州")
    _set(browser, "#in-date", "2023-12-01")
    browser.find_element(By.ID, "run-query").click()
    table = _wait(browser, "#results-table")
    text = table.text
    assert "62694" in text and "41796" in text
    assert "tkd:document/" in text
    browser.save_screenshot(str(shots / "query.png"))
    # A fact's own page, one click away.
    table.find_element(By.PARTIAL_LINK_TEXT, "tkd:document/").click()
    _wait(browser, "#triples-out")
    assert "Statements" in browser.page_source


def test_download_csv_from_the_results(server, browser, downloads):
    browser.get(server + "/query/salary_threshold?city=Guangzhou&date=2023-12-01&run=1&lang=en")
    _wait(browser, "#download-csv").click()
    target = downloads / "salary_threshold.csv"
    deadline = time.time() + 30
    while time.time() < deadline and not (target.exists() and target.stat().st_size > 0):
        time.sleep(0.2)
    assert target.exists(), sorted(p.name for p in downloads.iterdir())
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("category,multiple,monthly_threshold")
    assert any(line.startswith("A,6,62694,") for line in lines) and any(line.startswith("B,4,41796,") for line in lines)


def test_mike_through_the_assessment_form(server, browser, shots):
    browser.get(server + "/assess?lang=en")
    _set(browser, "#in-city", "Guangzhou")
    _set(browser, "#in-application_date", "2023-12-01")
    _set(browser, "#in-monthly_salary_rmb", "65000")
    browser.find_element(By.ID, "run-assess").click()
    verdict = _wait(browser, "#verdict")
    assert verdict.text.strip() == "A"
    assert browser.find_element(By.ID, "verdict-text").text.startswith("Category A")
    met = browser.find_element(By.ID, "outcome-met").text
    assert "A-III-9" in met and "62694" in met.replace(",", "")
    assert "平均工资收入不低于本地区上年平均社会工资收入6倍的外国人才。" in met
    browser.save_screenshot(str(shots / "assess.png"))
    browser.set_window_size(1280, 3000)
    browser.save_screenshot(str(shots / "assess-full.png"))
    browser.set_window_size(1280, 1000)


def test_bad_input_is_shown_beside_the_field(server, browser, shots):
    browser.get(server + "/assess?lang=en")
    _set(browser, "#in-city", "Guangzhou")
    _set(browser, "#in-application_date", "2023-12-01")
    _set(browser, "#in-monthly_salary_rmb", "65k")
    browser.find_element(By.ID, "run-assess").click()
    err = _wait(browser, "#field-monthly_salary_rmb .field-error")
    assert err.is_displayed() and "is not a number" in err.text
    # beside the field: directly under its input, not somewhere else on the page
    inp = browser.find_element(By.ID, "in-monthly_salary_rmb")
    assert 0 <= err.location["y"] - inp.location["y"] < 120 and abs(err.location["x"] - inp.location["x"]) < 40
    assert not browser.find_elements(By.ID, "answer")
    browser.save_screenshot(str(shots / "bad-input.png"))


def test_language_switch(server, browser, shots):
    browser.get(server + "/assess?run=1&city=Guangzhou&application_date=2023-12-01&monthly_salary_rmb=65000&lang=en")
    assert browser.find_element(By.ID, "verdict-text").text.startswith("Category A")
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")
    assert browser.find_element(By.ID, "verdict-text").text == "外国高端人才（A类）"
    assert "符合的认定条件" in browser.find_element(By.ID, "outcome-met").text
    browser.save_screenshot(str(shots / "assess-zh.png"))
    # The choice is remembered on the next page; switching back gives English.
    browser.get(server + "/")
    assert "查询库" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "The query library")


def test_sparql_editor_runs_a_query_locally(server, browser, shots):
    browser.get_log("performance")  # start counting requests from here
    browser.get(server + "/sparql-editor?lang=en")
    _wait(browser, ".yasqe .CodeMirror", timeout=60)
    q = (
        "PREFIX tk: <https://w3id.org/talentkg/ontology#>\nSELECT ?amount WHERE {\n"
        "  <https://w3id.org/talentkg/id/salary-threshold/gz-2023-A> tk:monthlyAmount ?amount }"
    )
    browser.execute_script("var t = window.talentkgYasgui.getTab(); t.setQuery(arguments[0]); t.query();", q)
    WebDriverWait(browser, 60).until(lambda d: "62694" in d.find_element(By.CSS_SELECTOR, ".yasr").text)
    browser.save_screenshot(str(shots / "sparql-editor.png"))
    hosts = _requested_hosts(browser)
    assert hosts <= {"127.0.0.1"}, hosts  # no CDN, no prefix service, no LOV


# the PDF's text (pdftotext, poppler-utils in the Makefile's APT_PACKAGES), whitespace removed: the
# verdict and its sentence, Mike's threshold and the quoted Chinese clause (seed 004, A-III-9)
PDF_EXPECT = {
    "en": [
        "CategoryA",
        "aCategoryArouteismet",
        "62,694",
        "平均工资收入不低于本地区上年平均社会工资收入6倍的外国人才。",
    ],
    "zh": [
        "外国高端人才（A类）",
        "符合A类认定条件之一",
        "62,694",
        "平均工资收入不低于本地区上年平均社会工资收入6倍的外国人才。",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_assessment_prints_to_pdf(server, shots, tmp_path, lang):
    assert shutil.which("pdftotext"), "poppler-utils is not installed (make sysdeps)"
    url = (
        server
        + f"/assess?run=1&view=print&city=Guangzhou&application_date=2023-12-01&monthly_salary_rmb=65000&lang={lang}"
    )
    pdf = tmp_path / f"assessment-{lang}.pdf"
    r = subprocess.run(
        [
            CHROMIUM,
            *[f for f in CHROME_FLAGS if not f.startswith("--window-size")],
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            url,
        ],
        capture_output=True,
        timeout=120,
    )
    assert pdf.exists(), r.stderr.decode(errors="replace")[-500:]
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF-") and body.count(b"/Type /Page") - body.count(b"/Type /Pages") >= 1
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=60).stdout
    flat = "".join(text.decode("utf-8").split())  # Chinese comes out as text: glyphs of a CJK font with their Unicode
    (shots / f"assessment-{lang}.txt").write_text(flat, encoding="utf-8")
    for expected in PDF_EXPECT[lang]:
        assert expected in flat, (expected, flat[:600])
    if lang == "en":  # the other language's sentence is shown beside it
        assert "符合A类认定条件之一" in flat
    shutil.copy(pdf, shots / pdf.name)
