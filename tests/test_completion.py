"""Shell completion: the cfgkit command answering argcomplete's protocol, as a shell runs it.

Each completion runs ``python -m cfgkit`` with ``COMP_LINE``, ``COMP_POINT`` and
``_ARGCOMPLETE`` set and file descriptor 8 open for the answer, as the scripts of
``cfgkit completion SHELL`` do; the scripts themselves run in bash, zsh and fish where those
are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

argcomplete = pytest.importorskip(
    "argcomplete", reason='argcomplete is not installed (pip install "cfgkit[completion]")'
)

ROOT = Path(__file__).parents[1]
CONFIG = "tests/data/configs/py/inherit_and_override.py"
# In the order `cfgkit --help` lists them.
SUBCOMMANDS = [
    *("print", "dump", "explain", "diff", "registry", "check", "why", "rebase"),
    *("run", "hook", "completion", "lsp"),
]


def run_completion(line, cwd=ROOT, shell=None, env=None, python=(sys.executable, "-m", "cfgkit")):
    """``(candidates, process)`` for the cursor at the end of ``line``."""
    variables = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "_ARGCOMPLETE_SUPPRESS_SPACE": "1",
        **(env or {}),
    }
    variables.pop("_ARGCOMPLETE_SHELL", None)
    if shell is not None:
        variables["_ARGCOMPLETE_SHELL"] = shell
    with open(os.devnull, "w") as sink, tempfile.TemporaryFile("w+", encoding="utf-8") as answer:
        descriptor = answer.fileno()
        process = subprocess.run(
            [*python],
            cwd=cwd,
            env=variables,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            text=True,
            # The answer goes to fd 8, argcomplete's debug stream (fd 9) to nowhere; the
            # child keeps the two (the parent's own descriptors are close-on-exec).
            preexec_fn=lambda: (os.dup2(descriptor, 8), os.dup2(sink.fileno(), 9)),
            close_fds=False,
            timeout=60,
        )
        answer.seek(0)
        text = answer.read()
    return (text.split("\n") if text else []), process


def keys(line, **kwargs):
    candidates, process = run_completion(line, **kwargs)
    assert process.returncode == 0
    assert (process.stdout, process.stderr) == ("", "")
    return candidates


# -- subcommands, flags, paths -------------------------------------------------------------


def test_subcommands_complete():
    assert keys("cfgkit ") == SUBCOMMANDS
    assert keys("cfgkit ex") == ["explain"]
    assert keys("cfgkit completion ") == ["bash", "zsh", "fish"]


def test_flags_complete_after_a_dash_only():
    flags = keys(f"cfgkit print {CONFIG} --")
    assert {"--cfg-options", "--safe", "--no-safe", "--format", "--help"} <= set(flags)
    assert keys("cfgkit --v") == ["--version"]
    assert not any(k.startswith("-") for k in keys(f"cfgkit print {CONFIG} "))


@pytest.fixture
def folder(tmp_path):
    for name in ("a.py", "b.yaml", "c.yml", "d.json", "notes.txt", ".hidden.py"):
        (tmp_path / name).write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("cfgkit print ", ["a.py", "b.yaml", "c.yml", "d.json", "sub/"], id="here"),
        pytest.param("cfgkit explain s", ["sub/"], id="folder"),
        pytest.param("cfgkit print sub/", ["sub/e.py"], id="in-folder"),
        pytest.param("cfgkit print .h", [".hidden.py"], id="hidden-when-asked"),
        pytest.param("cfgkit diff a.py ", ["a.py", "b.yaml", "c.yml", "d.json", "sub/"], id="B"),
        pytest.param("cfgkit check a.py b", ["b.yaml"], id="check"),
    ],
)
def test_config_paths_are_configs_and_folders(folder, line, expected):
    assert keys(line, cwd=folder) == expected


EXAMPLES = ROOT / "examples"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("cfgkit registry toy", ["toycore", "toydet"], id="top-level"),
        pytest.param("cfgkit registry --static toydet.m", ["toydet.models"], id="submodule"),
        pytest.param(
            "cfgkit check configs/x.py --import toydet.",
            ["toydet.datasets", "toydet.models", "toydet.optim", "toydet.registry",
             "toydet.transforms"],
            id="import",
        ),
        pytest.param("cfgkit check configs/x.py --scan toy", ["toycore", "toydet"],
                     id="scan-package"),
        pytest.param("cfgkit check configs/x.py --scan ./", ["./configs/", "./projects/",
                     "./toycore/", "./toydet/"], id="scan-folder"),
    ],
)  # fmt: skip
def test_modules_complete_as_python_m_finds_them(line, expected):
    assert keys(line, cwd=EXAMPLES, shell="fish") == expected


def test_modules_complete_without_importing_them(tmp_path):
    (tmp_path / "boom" / "sub").mkdir(parents=True)
    for name in ("boom/__init__.py", "boom/sub/__init__.py"):
        (tmp_path / name).write_text("open('imported', 'w').close()\n", encoding="utf-8")
    (tmp_path / "boom" / "sub" / "leaf.py").write_text("", encoding="utf-8")
    assert keys("cfgkit registry boom.sub.", cwd=tmp_path, shell="fish") == ["boom.sub.leaf"]
    assert not (tmp_path / "imported").exists()


# -- keys ----------------------------------------------------------------------------------

TOP = [
    "backend_args=", "data_root=", "dataset_type=", "default_hooks.", "default_scope=",
    "env_cfg.", "load_from=", "log_level=", "model.", "optim_wrapper.", "param_scheduler",
    "resume=", "train_cfg.", "train_dataloader.", "train_pipeline", "work_dir=",
]  # fmt: skip
PIPELINE = [
    "train_pipeline.0.", "train_pipeline.1.", "train_pipeline.2.", "train_pipeline[+]=",
    "train_pipeline[type=LoadImageFromFile].", "train_pipeline[type=RandomFlip].",
    "train_pipeline[type=Resize].",
]  # fmt: skip


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("", TOP, id="top"),
        pytest.param("mod", ["model.backbone.", "model.head.", "model.neck.", "model.type="],
                     id="a-single-dict-is-opened"),
        pytest.param("model.backbone.d", ["model.backbone.depth="], id="leaf"),
        pytest.param("train_p", PIPELINE, id="list-by-index-and-selector"),
        pytest.param("train_pipeline.1.sc", ["train_pipeline.1.scale="], id="index"),
        pytest.param("train_pipeline[type=Re", [
            "train_pipeline[type=Resize].keep_ratio=", "train_pipeline[type=Resize].scale=",
            "train_pipeline[type=Resize].type=",
        ], id="selector"),
        pytest.param("train_pipeline[type=Resize]", [
            "train_pipeline[type=Resize].", "train_pipeline[type=Resize]:after=",
            "train_pipeline[type=Resize]:before=", "train_pipeline[type=Resize]=",
        ], id="selector-typed-whole"),
        pytest.param("~", ["~param_scheduler", "~train_pipeline"], id="removal"),
        pytest.param("~train_pipeline[type=R", [
            "~train_pipeline[type=RandomFlip]", "~train_pipeline[type=Resize]",
        ], id="removal-selectors"),
        pytest.param("model.backbone.depth=", ["model.backbone.depth=101"], id="value"),
        pytest.param("train_pipeline.1.scale=", ["train_pipeline.1.scale=[1333,800]"],
                     id="list-value"),
        pytest.param("model.backbone.depth=7", [], id="other-value"),
        pytest.param("nope", [], id="no-such-key"),
    ],
)  # fmt: skip
def test_option_keys_complete_a_level_at_a_time(word, expected):
    assert keys(f"cfgkit print {CONFIG} --cfg-options {word}", shell="fish") == expected


def test_a_class_a_pure_python_config_imports_is_no_selector():
    # A selector compares a type with text: it cannot name an imported class (LazyObject).
    line = "cfgkit print tests/data/configs/pure/retinanet_x101_voc.py --cfg-options train_p"
    assert keys(line, shell="fish") == [
        "train_pipeline.0.", "train_pipeline.1.", "train_pipeline.2.", "train_pipeline[+]=",
        "train_pipeline[type=RandomFlip].",
    ]  # fmt: skip
    assert keys(line.replace("train_p", "model.backbone.type="), shell="fish") == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("number_text", [], id="text-that-reads-back-as-a-number"),
        pytest.param("words", [], id="text-whose-spaces-an-option-drops"),
        pytest.param("folder", ["folder=./work_dirs/a"], id="text"),
        pytest.param("one", ["one=(5)"], id="one-item-tuple"),
        pytest.param("mixed", ["mixed=[1.5,x,None]"], id="list"),
        pytest.param("flag", ["flag=False"], id="bool"),
        pytest.param("nested", [], id="dict"),
        pytest.param("long", [], id="too-long"),
    ],
)
def test_a_current_value_is_offered_only_as_it_reads_back(tmp_path, key, expected):
    (tmp_path / "values.py").write_text(
        "number_text = '50'\nwords = 'two words'\nfolder = './work_dirs/a'\none = (5,)\n"
        "mixed = [1.5, 'x', None]\n"
        "flag = False\nnested = dict(a=1)\nlong = list(range(100))\n",
        encoding="utf-8",
    )
    line = f"cfgkit print values.py --cfg-options {key}="
    assert keys(line, cwd=tmp_path, shell="fish") == expected


def test_bash_gets_selectors_escaped_and_zsh_its_colons():
    word = "train_pipeline[type=Resize]:"
    line = f"cfgkit print {CONFIG} --cfg-options {word}"
    assert keys(line) == [
        r"train_pipeline\[type=Resize\]:after=",
        r"train_pipeline\[type=Resize\]:before=",
    ]
    # zsh quotes what it inserts: only _describe's separator is escaped (then `:description`).
    assert keys(line, shell="zsh") == [
        r"train_pipeline[type=Resize]\:after=:",
        r"train_pipeline[type=Resize]\:before=:",
    ]


def test_options_before_the_cursor_apply():
    line = f"cfgkit print {CONFIG} --cfg-options extra.depth=1 model.backbone.depth=5 "
    assert "extra.depth=" in keys(line + "ext", shell="fish")
    assert keys(line + "model.backbone.depth=", shell="fish") == ["model.backbone.depth=5"]
    # An option that cannot apply is skipped; the others still do.
    broken = f"cfgkit print {CONFIG} --cfg-options train_pipeline.x=1 extra.depth=1 ext"
    assert keys(broken, shell="fish") == ["extra.depth="]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(f"cfgkit explain {CONFIG} model.backbone.d", ["model.backbone.depth"],
                     id="explain-key"),
        pytest.param(f"cfgkit check {CONFIG} --cfg-options model.backbone.d",
                     ["model.backbone.depth="], id="check"),
        pytest.param(f"cfgkit diff {CONFIG} {CONFIG} --cfg-options model.backbone.d",
                     ["model.backbone.depth="], id="diff"),
        pytest.param(f"cfgkit dump {CONFIG} out.py --cfg-options model.backbone.d",
                     ["model.backbone.depth="], id="dump"),
    ],
)  # fmt: skip
def test_every_subcommand_completes_its_configs_keys(line, expected):
    assert keys(line, shell="fish") == expected


def test_the_documented_example_completes_as_shown():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    block = text.split("The candidates for two words", 1)[1].split("```text\n", 1)[1]
    shown = block.split("```", 1)[0].splitlines()
    commands = [i for i, line in enumerate(shown) if line.startswith("$ ")]
    for start, end in zip(commands, [*commands[1:], len(shown)]):
        line = shown[start][2:].removesuffix("<TAB>")
        assert keys(line, shell="fish") == shown[start + 1 : end], line


@pytest.mark.corpus
def test_keys_of_a_real_mmdet_config():
    from tests.compat.corpus import ensure_corpus

    site, why = ensure_corpus()
    if site is None:
        pytest.skip(why)
    config = site / "mmdet" / ".mim" / "configs" / "mask_rcnn" / "mask-rcnn_r50_fpn_1x_coco.py"
    line = f"cfgkit print {config} --cfg-options "
    head = "model.roi_head.bbox_head."
    assert keys(line + "train_dataloader.dataset.pipeline[type=Re", shell="fish") == [
        "train_dataloader.dataset.pipeline[type=Resize].keep_ratio=",
        "train_dataloader.dataset.pipeline[type=Resize].scale=",
        "train_dataloader.dataset.pipeline[type=Resize].type=",
    ]
    assert keys(line + head + "num_c", shell="fish") == [head + "num_classes="]
    assert keys(line + head + "num_classes=", shell="fish") == [head + "num_classes=80"]


# -- safety and bounds ---------------------------------------------------------------------


def test_a_completion_never_runs_the_config(tmp_path):
    (tmp_path / "evil.py").write_text(
        textwrap.dedent(
            """\
            import os
            print('printed by the config')
            open('ran', 'w').close()
            custom_imports = dict(imports=['evil_module'])
            model = dict(depth=1)
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "calm.py").write_text(
        "custom_imports = dict(imports=['evil_module'])\nmodel = dict(depth=1)\n",
        encoding="utf-8",
    )
    (tmp_path / "evil_module.py").write_text("open('imported', 'w').close()\n", encoding="utf-8")
    assert keys("cfgkit print evil.py --cfg-options mo", cwd=tmp_path) == []
    # A config safe mode can read gives its keys, and its custom imports are not imported.
    assert keys("cfgkit print calm.py --cfg-options mo", cwd=tmp_path) == ["model.depth="]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calm.py", "evil.py", "evil_module.py"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("model = dict(\n", id="syntax-error"),
        pytest.param("_base_ = ['missing.py']\n", id="missing-base"),
        pytest.param("a = {{ $NO_SUCH_VARIABLE_FOR_CFGKIT }}\n", id="missing-variable"),
    ],
)
def test_a_config_that_cannot_be_read_offers_nothing_quietly(tmp_path, text):
    (tmp_path / "bad.py").write_text(text, encoding="utf-8")
    assert keys("cfgkit print bad.py --cfg-options a", cwd=tmp_path) == []


def test_reading_the_keys_is_bounded_in_time(tmp_path):
    body = ",\n".join(f"    key_{n}=dict(value={n}, items=[{n}, {n}])" for n in range(3000))
    (tmp_path / "large.py").write_text(f"model = dict(\n{body})\n", encoding="utf-8")
    line = "cfgkit print large.py --cfg-options model.key_299"
    assert len(keys(line, cwd=tmp_path)) == 11  # key_299. and key_2990. ... key_2999.
    started = time.perf_counter()
    hurried = keys(line, cwd=tmp_path, env={"CFGKIT_COMPLETION_TIMEOUT": "0.001"})
    assert hurried == []
    assert time.perf_counter() - started < 30


def test_a_request_argcomplete_cannot_read_falls_back_to_the_shell_quietly(tmp_path):
    line = f"cfgkit dump {ROOT / CONFIG} out.json"
    candidates, process = run_completion(line, cwd=tmp_path, env={"COMP_POINT": "end"})
    assert (candidates, process.stdout, process.stderr) == ([], "", "")
    assert process.returncode == 1
    assert list(tmp_path.iterdir()) == []


# -- argcomplete: optional, and loaded only for a completion ----------------------------------

WITHOUT_ARGCOMPLETE = (
    sys.executable,
    "-c",
    "import sys; sys.modules['argcomplete'] = None; "
    "from cfgkit.cli import main_entry; sys.argv[0] = 'cfgkit'; main_entry()",
)


def test_without_argcomplete_a_completion_request_runs_nothing(tmp_path):
    line = f"cfgkit dump {ROOT / CONFIG} out.json"
    candidates, process = run_completion(line, cwd=tmp_path, python=WITHOUT_ARGCOMPLETE)
    assert (candidates, process.stdout, process.stderr) == ([], "", "")
    assert process.returncode == 1  # the shell falls back to its own completion
    assert list(tmp_path.iterdir()) == []  # the dump did not run


def test_without_argcomplete_the_completion_command_says_what_to_install():
    process = subprocess.run(
        [*WITHOUT_ARGCOMPLETE, "completion", "bash"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.returncode == 2
    assert process.stdout == ""
    assert process.stderr == (
        "cfgkit completion: error: ModuleNotFoundError: shell completion needs argcomplete: "
        'pip install "cfgkit[completion]"\n'
    )


def test_argcomplete_is_loaded_only_for_a_completion():
    code = (
        "import sys; import cfgkit; assert 'argcomplete' not in sys.modules; "
        "from cfgkit.cli import main; main(['print', sys.argv[1]]); "
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('argcomplete'))))"
    )
    process = subprocess.run(
        [sys.executable, "-c", code, CONFIG],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert process.stderr == "[]"


# -- the scripts, in the shells --------------------------------------------------------------


@pytest.fixture
def bin_folder(tmp_path):
    """A folder holding a ``cfgkit`` command that runs this checkout."""
    folder = tmp_path / "bin"
    folder.mkdir()
    command = folder / "cfgkit"
    command.write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m cfgkit "$@"\n',
        encoding="utf-8",
    )
    command.chmod(0o755)
    return folder


def activation_line(shell):
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    block = text.split("## Shell completion", 1)[1].split("```bash\n", 1)[1].split("```")[0]
    line = next(line for line in block.splitlines() if f"completion {shell}" in line)
    return line.split("#")[0].strip()


def in_shell(bin_folder, argv):
    """Run a shell command line with the stand-in ``cfgkit`` of ``bin_folder`` first on PATH."""
    return subprocess.run(
        argv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"},
        timeout=60,
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_each_shells_script(shell):
    process = subprocess.run(
        [sys.executable, "-m", "cfgkit", "completion", shell],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert process.stdout == argcomplete.shellcode(["cfgkit"], shell=shell)
    assert "cfgkit" in process.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_documented_bash_line_completes_in_bash(bin_folder):
    script = f"""
        {activation_line("bash")}
        complete_line() {{
            COMP_LINE="$1"; COMP_POINT=${{#1}}; unset COMPREPLY
            _python_argcomplete cfgkit
            printf '<%s>' "${{COMPREPLY[@]}}"; echo
        }}
        complete_line "cfgkit ex"
        complete_line "cfgkit print {CONFIG} --cfg-options model.backbone.d"
        complete_line "cfgkit print {CONFIG} --cfg-options train_pipeline[type=Resize].s"
        """
    process = in_shell(bin_folder, ["bash", "--norc", "--noprofile", "-c", textwrap.dedent(script)])
    # bash replaces the word after its last break (`=`), so that is the part returned.
    assert process.stdout.splitlines() == [
        "<explain >",
        "<model.backbone.depth=>",
        r"<Resize\].scale=>",
    ], process.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_the_documented_fish_line_completes_in_fish(bin_folder):
    script = (
        f"{activation_line('fish')}; "
        f"complete -C 'cfgkit print {CONFIG} --cfg-options train_pipeline[type=Resize].s'; "
        "complete -C 'cfgkit ex'"
    )
    process = in_shell(bin_folder, ["fish", "--no-config", "-c", script])
    scale, explain = process.stdout.splitlines()
    assert scale == "train_pipeline[type=Resize].scale="
    assert explain.startswith("explain\t")  # fish shows the subcommand's help beside it


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_the_documented_zsh_line_defines_the_completion_in_zsh(bin_folder):
    # zsh completes only in its line editor: the script is checked to load and register.
    script = (
        "autoload -U compinit && compinit -u -D; "
        f"{activation_line('zsh')}; "
        "print -r -- ${_comps[cfgkit]}"
    )
    process = in_shell(bin_folder, ["zsh", "-f", "-c", script])
    assert process.stdout == "_python_argcomplete\n", process.stderr
