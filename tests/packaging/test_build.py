"""The packaged app: resource lookup, the icon files, and a real PyInstaller build.

The tests marked ``packaging`` build the one-folder executable from build.spec into a
temporary folder (about 20-40 s) and run it: ``--version``, ``--self-check`` (the real
window chatting with itself over TCP and UDP on 127.0.0.1) and a start-up that must find
the bundled icon. Run only them with ``pytest -m packaging``; skip them with
``pytest -m "not packaging"``.
"""

from __future__ import annotations

import ast
import logging
import os
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader

from gui_chat import resources

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 90

with (ROOT / "pyproject.toml").open("rb") as _fh:
    PROJECT = tomllib.load(_fh)["project"]


# ----- resource lookup from a source checkout -----------------------------------------------


def test_source_checkout_is_not_frozen() -> None:
    assert resources.is_frozen() is False


def test_resource_dir_is_the_top_level_resources_folder() -> None:
    assert resources.resource_dir() == ROOT / "resources"


def test_resource_path_finds_the_app_icon() -> None:
    path = resources.resource_path("icons/gui_chat.png")
    assert path == ICONS / "gui_chat.png"
    assert path.is_file()


def test_missing_resource_is_none_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gui_chat.resources"):
        assert resources.resource_path("icons/no_such_icon.png") is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "icons/no_such_icon.png" in caplog.records[0].getMessage()


# ----- icon files ---------------------------------------------------------------------------


def _frames(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image Qt reads from a (multi-image) file."""
    reader = QImageReader(str(path))
    assert reader.canRead(), f"Qt cannot read {path.name}: {reader.errorString()}"
    count = reader.imageCount()
    sizes = []
    for index in range(max(count, 1)):
        if count > 1:
            assert reader.jumpToImage(index), f"{path.name} has no frame {index}"
        image = reader.read()
        assert not image.isNull(), f"{path.name} frame {index}: {reader.errorString()}"
        sizes.append((image.width(), image.height()))
    return sizes


@pytest.mark.parametrize("size", [16, 32, 48, 64, 128, 256, 512])
def test_png_icon_sizes(qapp, size: int) -> None:
    assert _frames(ICONS / f"gui_chat_{size}.png") == [(size, size)]


def test_main_png_is_the_256_icon(qapp) -> None:
    assert (ICONS / "gui_chat.png").read_bytes() == (ICONS / "gui_chat_256.png").read_bytes()


def test_ico_holds_every_windows_size(qapp) -> None:
    path = ICONS / "gui_chat.ico"
    reserved, kind, count = struct.unpack("<HHH", path.read_bytes()[:6])
    assert (reserved, kind, count) == (0, 1, 6)
    assert sorted(_frames(path)) == [(s, s) for s in (16, 32, 48, 64, 128, 256)]


def test_icns_holds_every_macos_size(qapp) -> None:
    data = (ICONS / "gui_chat.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    assert sorted(_frames(ICONS / "gui_chat.icns")) == [(s, s) for s in (16, 32, 64, 128, 256, 512)]


def test_svg_icon_renders(qapp) -> None:
    assert _frames(ICONS / "gui_chat.svg") == [(512, 512)]


def test_desktop_entry_names_the_app_and_icon() -> None:
    lines = (ROOT / "resources" / "linux" / "gui_chat.desktop").read_text().splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert keys["Type"] == "Application"
    assert keys["Exec"] == keys["Icon"] == keys["Name"] == PROJECT["name"]
    assert keys["Terminal"] == "false"
    assert keys["Categories"] == "Network;Chat;InstantMessaging;"


# ----- the PyInstaller build ----------------------------------------------------------------


def _run(cmd: list[str | Path], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in cmd],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def _app_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUI_CHAT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.fixture(scope="module")
def onedir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the one-folder app with build.spec into a temporary folder; return it."""
    out = tmp_path_factory.mktemp("pyinstaller")
    env = {k: v for k, v in os.environ.items() if k != "GUI_CHAT_ONEFILE"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
            "build.spec",
            "--",
            "--onedir",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert result.returncode == 0, (
        f"pyinstaller failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-6000:]}"
    )
    folder = out / "dist" / PROJECT["name"]
    assert folder.is_dir(), f"no {folder} after the build:\n{result.stderr[-3000:]}"
    (out / "build.log").write_text(result.stdout + result.stderr)
    return folder


def _build_log(folder: Path) -> str:
    """What PyInstaller printed while building ``folder`` (warnings and errors)."""
    return (folder.parents[1] / "build.log").read_text()


def _executable(folder: Path) -> Path:
    name = PROJECT["name"] + (".exe" if sys.platform == "win32" else "")
    return folder / name


def _internal(folder: Path) -> Path:
    return folder / "_internal"


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_prints_its_version(onedir: Path) -> None:
    result = _run([_executable(onedir), "--version"], env=_app_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{PROJECT['name']} {PROJECT['version']}"


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_passes_its_self_check(onedir: Path) -> None:
    result = _run([_executable(onedir), "--self-check"], env=_app_env())
    output = f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    assert result.returncode == 0, f"--self-check exited {result.returncode}\n{output}"
    assert "self-check passed" in result.stdout, output


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_bundles_its_resources(onedir: Path) -> None:
    bundled = _internal(onedir) / "resources"
    assert (bundled / "icons" / "gui_chat.png").is_file()
    assert (bundled / "linux" / "gui_chat.desktop").is_file()


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_finds_its_icon_at_start(onedir: Path) -> None:
    env = _app_env() | {"GUI_CHAT_EXIT_WHEN_SHOWN": "1"}
    result = _run([_executable(onedir), "--no-discovery"], env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "window shown after" in result.stdout, output
    assert "is missing" not in output, output


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_leaves_out_unused_qt_parts(onedir: Path) -> None:
    files = [p.relative_to(onedir).as_posix() for p in onedir.rglob("*")]
    lowered = [f.lower() for f in files]
    for unwanted in ("qt6quick", "qt6qml", "qt6pdf", "qt6virtualkeyboard", "/qml/", "tkinter"):
        assert not [f for f in lowered if unwanted in f], unwanted
    plugins = _internal(onedir) / "PySide6" / "Qt" / "plugins"
    if sys.platform.startswith("linux"):
        for plugin in ("libqoffscreen.so", "libqxcb.so", "libqwayland.so"):
            assert (plugins / "platforms" / plugin).is_file(), plugin
    translations = [f for f in files if "/translations/" in f]
    assert translations, "qtbase translations should be bundled"
    assert all(Path(f).name.startswith("qtbase_") for f in translations), translations


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_carries_shibokens_support_compiled(onedir: Path) -> None:
    """Shiboken finds its signature support compiled instead of compiling it each start."""
    support = _internal(onedir) / "shiboken6" / "files.dir" / "shibokensupport"
    for module in ("__init__", "feature", "signature/loader", "signature/parser"):
        assert (support / f"{module}.pyc").is_file(), module
    assert not list(support.rglob("*.py")), "only compiled files are needed"
    # The .pyi generator (a PySide developer tool) is shipped empty.
    assert (support / "signature" / "lib" / "pyi_generator.pyc").stat().st_size < 1024


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_carries_the_chinese_codecs(onedir: Path) -> None:
    """The raw mode offers GBK and GB18030: their codecs are bundled."""
    for module in ("_codecs_cn", "_multibytecodec"):
        assert list(onedir.rglob(f"{module}.*")), module


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_gets_shibokens_support_patched(onedir: Path) -> None:
    """build.spec's changes to Shiboken's support modules all found their code."""
    assert "left as is" not in _build_log(onedir)


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the read-ahead is Linux only")
def test_built_app_lists_what_a_start_reads(onedir: Path) -> None:
    internal = _internal(onedir)
    entries = [
        line.split(" ", 3) for line in (internal / "gui_chat_preload.txt").read_text().splitlines()
    ]
    paths = [path for *_, path in entries]
    for needed in (
        "PySide6/QtCore.abi3.so",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
    ):
        assert needed in paths, needed
    assert paths.index("PySide6/Qt/lib/libQt6Core.so.6") < paths.index(
        "PySide6/Qt/lib/libQt6Widgets.so.6"
    ), "listed in the order a start loads them"
    for tag, offset, length, path in entries:
        assert tag in ("*", "offscreen", "xcb", "wayland"), tag
        assert int(offset) >= 0 and int(length) >= 0
        if not path.startswith("/"):
            assert (internal / path).is_file(), path
    # Loaded on first use, not at start.
    assert not [p for p in paths if "libQt6Network" in p or "QtNetwork" in p]
    # ICU's 30 MB data library: only its ELF header and its end.
    assert [(o, n) for _, o, n, p in entries if "libicudata" in p and n == "0" and o == "0"] == []


@pytest.mark.packaging
@pytest.mark.timeout(BUILD_TIMEOUT + RUN_TIMEOUT)
def test_built_app_stores_its_python_modules_uncompressed(onedir: Path) -> None:
    """A start reads its modules as they are, without inflating them."""
    from PyInstaller.archive.readers import CArchiveReader

    pyz = CArchiveReader(str(_executable(onedir))).open_embedded_archive("PYZ.pyz")
    for name in ("argparse", "gui_chat.app", "gui_chat.ui.main_window"):
        _typecode, _offset, stored = pyz.toc[name]
        assert stored >= len(pyz.extract(name, raw=True)), name


def _spec_constant(name: str) -> object:
    """The value of a constant assigned at the top level of build.spec."""
    spec = ast.parse((ROOT / "build.spec").read_text())
    return next(
        ast.literal_eval(node.value)
        for node in spec.body
        if isinstance(node, ast.Assign)
        and any(getattr(target, "id", None) == name for target in node.targets)
    )


@pytest.mark.skipif(sys.platform == "win32", reason="lazy binding is a POSIX dlopen mode")
def test_startup_hook_turns_the_collector_off_and_binds_lazily() -> None:
    hook = _spec_constant("STARTUP_HOOK_SOURCE")
    check = "print(gc.isenabled(), sys.getdlopenflags() & (os.RTLD_NOW | os.RTLD_LAZY))"
    result = _run([sys.executable, "-c", f"{hook}\n{check}"], env=_app_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", str(os.RTLD_LAZY)]


def test_early_imports_are_ones_a_start_makes_anyway() -> None:
    """The read-ahead hook imports these early; a start must import them anyway."""
    early = _spec_constant("EARLY_IMPORTS")
    code = "import sys, gui_chat.__main__, gui_chat.app; print(' '.join(sys.modules))"
    result = _run([sys.executable, "-c", code], env=_app_env())
    assert result.returncode == 0, result.stderr
    assert set(early) <= set(result.stdout.split()), set(early) - set(result.stdout.split())
