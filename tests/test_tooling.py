"""`make test` on a fresh machine: what its tests need is set up, or it says in one line what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENSURE = REPO / "tools" / "ensure-chromium.sh"


def fake_bin(folder: Path, uid: int, apt_installs: Path | None) -> Path:
    """A PATH folder with `id` (this uid) and `apt-get` (logs its calls; `install` creates a Chromium)."""
    folder.mkdir()
    (folder / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    install = f'touch "{apt_installs}"; chmod +x "{apt_installs}"' if apt_installs else "exit 100"
    (folder / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> "{folder}/apt.log"\n'
                                    f'case "$*" in *install*) {install};; esac\n')
    for tool in ("id", "apt-get"):
        (folder / tool).chmod(0o755)
    return folder


def ensure(tmp_path: Path, uid: int, chromium: Path, apt_installs: Path | None = None,
           with_apt: bool = True) -> subprocess.CompletedProcess:
    bin_dir = fake_bin(tmp_path / "bin", uid, apt_installs)
    if not with_apt:
        (bin_dir / "apt-get").unlink()
        bash_dir = tmp_path / "only-bash"
        bash_dir.mkdir()
        for tool in ("bash", "env"):
            (bash_dir / tool).symlink_to(shutil.which(tool))
        path = f"{bin_dir}:{bash_dir}"
    else:
        path = f"{bin_dir}:{os.environ['PATH']}"
    env = {"PATH": path, "IDGRAPH_CHROMIUM": str(chromium), "HOME": str(tmp_path)}
    return subprocess.run([shutil.which("bash"), str(ENSURE)], env=env, capture_output=True, text=True, timeout=60)


def test_chromium_present_nothing_to_do(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    done = ensure(tmp_path, 0, chromium)
    assert done.returncode == 0 and not (tmp_path / "bin" / "apt.log").exists()


def test_missing_chromium_is_installed_with_apt_as_root(tmp_path):
    chromium = tmp_path / "usr-bin-chromium"
    done = ensure(tmp_path, 0, chromium, apt_installs=chromium)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "bin" / "apt.log").read_text().splitlines() == ["update -qq", "install -y -qq chromium"]


@pytest.mark.parametrize("uid, with_apt", [(1000, True), (0, False)])
def test_missing_chromium_that_cannot_be_installed_fails_with_one_line(tmp_path, uid, with_apt):
    done = ensure(tmp_path, uid, tmp_path / "nowhere", with_apt=with_apt)
    assert done.returncode == 1 and not (tmp_path / "bin" / "apt.log").exists()
    (line,) = done.stderr.splitlines()
    assert "Chromium" in line and "apt-get install -y chromium" in line and "IDGRAPH_CHROMIUM" in line


def test_a_failed_apt_install_ends_with_the_same_line(tmp_path):
    done = ensure(tmp_path, 0, tmp_path / "nowhere", apt_installs=None)
    assert done.returncode == 1 and done.stderr.splitlines()[-1].startswith("make test needs Chromium")


def test_make_test_and_ci_set_up_chromium_before_the_tests():
    for target in ("test", "test-neo4j"):
        plan = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True,
                              text=True, timeout=60).stdout.splitlines()
        steps = [i for i, line in enumerate(plan) if "ensure-chromium.sh" in line or "pytest" in line]
        assert [("ensure" in plan[i]) for i in steps] == [True, False], plan
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci.index("tools/ensure-chromium.sh") < ci.index("make test")
    assert "apt-get" not in "\n".join(line for line in ci if not line.startswith("#"))


def test_the_browser_test_fails_instead_of_skipping_when_neo4j_is_required(monkeypatch):
    from tests import test_browser

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("IDGRAPH_REQUIRE_NEO4J", "1")
    with pytest.raises(pytest.fail.Exception, match="127.0.0.1"):
        test_browser.skip_unless_required("the Browser test runs on a server at 127.0.0.1 only")
    monkeypatch.setenv("IDGRAPH_REQUIRE_NEO4J", "0")
    with pytest.raises(pytest.skip.Exception):
        test_browser.skip_unless_required("no server")
