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


def _print_with_settings(code, env):
    """What ``code`` prints once Django is set up with ``env`` (a fresh process)."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "finews.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_false_string_is_false():
    """DEBUG=False in the environment really turns debug off."""
    code = "from django.conf import settings; print(settings.DEBUG)"
    out = _print_with_settings(code, {**os.environ, "DEBUG": "False"})
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


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        ({}, "2147483647 -c statement_timeout=5000 -c plan_cache_mode=force_generic_plan"),
        ({"DATABASE_PREPARED_STATEMENTS": "false"}, "None -c statement_timeout=5000"),
    ],
)
def test_prepared_statements_follow_the_environment(switch, expected):
    """On by default; off for a pooler that cannot keep prepared statements."""
    code = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o.get('prepare_threshold'), o.get('options'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PREPARED_STATEMENTS"}
    env |= {
        # Options of the URL's own are kept.
        "DATABASE_URL": "postgres://finews@db.example:5432/finews?options=-c%20statement_timeout%3D5000",
        **switch,
    }
    out = _print_with_settings(code, env)
    assert out.stdout.strip() == expected, out.stderr
