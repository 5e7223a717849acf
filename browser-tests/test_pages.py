"""Staff pages in a real headless Chromium: sign-in, home, quick exit, sign-out, accessibility."""
import json
import urllib.request

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DEMO_PASSWORD


def sign_in(browser, server, username):
    browser.get(server.url + "/signin")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.ID, "signin").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(server.url + "/home"))


def serious_violations(browser):
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def test_clinician_signs_in_uses_quick_exit_and_back_does_not_return(browser, server, neutral_site):
    sign_in(browser, server, "demo-clinician")
    assert "Demo Clinic" in browser.page_source
    assert "Trafficking".lower() not in browser.title.lower()
    assert browser.title == "Home · Waypoint"

    # Quick exit is the first thing Tab reaches.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("data-quick-exit") is not None

    focused.click()
    WebDriverWait(browser, 10).until(EC.url_to_be(neutral_site.url))
    assert "Local forecast" in browser.page_source
    browser.back()
    # The page that was replaced is not in the history: Back goes past it, never to /home.
    assert not browser.current_url.startswith(server.url + "/home")
    assert "Demo Clinic" not in browser.page_source


def test_escape_three_times_leaves(browser, server, neutral_site):
    sign_in(browser, server, "demo-clinician")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ESCAPE)
    body.send_keys(Keys.ESCAPE)
    assert browser.current_url == server.url + "/home", "two presses must not leave"
    body.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 10).until(EC.url_to_be(neutral_site.url))


def test_sign_out_ends_the_session(browser, server):
    sign_in(browser, server, "demo-clinician")
    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    WebDriverWait(browser, 10).until(EC.url_contains("/signin"))
    assert "You have been signed out." in browser.page_source
    browser.get(server.url + "/home")
    assert browser.current_url == server.url + "/signin"


def test_spanish_switch(browser, server):
    browser.get(server.url + "/signin")
    browser.find_element(By.CSS_SELECTOR, "a[lang=es]").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Iniciar sesión"))
    assert browser.find_element(By.CSS_SELECTOR, "[data-quick-exit]").text == "Salida rápida"
    browser.find_element(By.CSS_SELECTOR, "a[lang=en]").click()


@pytest.mark.parametrize("username,path", [
    (None, "/signin"),
    ("demo-clinician", "/home"),
    ("demo-admin", "/admin/users"),
    ("demo-admin", "/admin/routes"),
    ("demo-auditor", "/audit"),
    ("demo-clinician", "/screenings/new"),
    ("demo-clinician", "/screenings"),
])
def test_no_serious_accessibility_violations(browser, server, username, path):
    if username:
        sign_in(browser, server, username)
    browser.get(server.url + path)
    assert serious_violations(browser) == []


def test_quick_exit_works_without_being_signed_in(browser, server, neutral_site):
    browser.get(server.url + "/signin")
    browser.find_element(By.CSS_SELECTOR, "[data-quick-exit]").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(neutral_site.url))


def test_openapi_document_is_valid(server):
    from openapi_spec_validator import validate
    with urllib.request.urlopen(server.url + "/api/v1/openapi.json") as response:
        document = json.load(response)
    validate(document)  # raises on any error
    assert document["openapi"].startswith("3.1")
