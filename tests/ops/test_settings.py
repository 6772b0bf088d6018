"""Configuration from the environment: safe local defaults, a strict production mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    for key in (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "FINEWS_ENV",
        "DEBUG",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests only
    ):
        env.pop(key, None)
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "finews.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_runs_with_no_environment():
    """With nothing set, the project starts for local use."""
    result = _check({})
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_secret_key():
    """Production mode without SECRET_KEY stops at start instead of using a default."""
    result = _check({"FINEWS_ENV": "production", "ALLOWED_HOSTS": "finews.example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    """Production mode without ALLOWED_HOSTS stops at start."""
    result = _check({"FINEWS_ENV": "production", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_unknown_mode_is_refused():
    """A typo in FINEWS_ENV is an error, not silently development."""
    result = _check({"FINEWS_ENV": "prod"})
    assert result.returncode != 0
    assert "FINEWS_ENV" in result.stderr


def test_debug_false_string_is_false():
    """DEBUG=False in the environment really turns debug off."""
    code = "from django.conf import settings; print(settings.DEBUG)"
    env = {**os.environ, "DEBUG": "False", "DJANGO_SETTINGS_MODULE": "finews.settings"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.slow
def test_production_settings_pass_check_deploy():
    """Production settings give no warnings from check --deploy."""
    result = _check(
        {
            "FINEWS_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-production-test-secret-" + "z" * 30,
            "ALLOWED_HOSTS": "finews.example.com",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
