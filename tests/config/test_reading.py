"""Reading config files: text that is not UTF-8, files that cannot be read, NUL bytes, and
numbers longer than Python converts. Each is a cfgkit error of the builtin family Python
raises, naming the file (and, for a base, the file that asks for it)."""

from __future__ import annotations

import errno
import os
import pickle

import pytest

from cfgkit import Config, errors
from tests.conftest import CONFIG_DIR

BAD = CONFIG_DIR / "bad"


@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param("# café\na = 1\n".encode("latin-1"), 1, id="latin-1-comment"),
        pytest.param(bytes(range(256)), 2, id="binary"),
        pytest.param("a = 1\n".encode("utf-16"), 1, id="utf-16"),
        pytest.param(b"a = 1\nb = '\xff'\n", 2, id="bad-byte-on-line-2"),
    ],
)
def test_text_that_is_not_utf8_names_the_file_and_line(tmp_path, content, line):
    path = tmp_path / "config.py"
    path.write_bytes(content)
    with pytest.raises(
        errors.ConfigEncodingError,
        match=rf"config\.py is not UTF-8 text \(byte 0x..? at line {line}\)",
    ) as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, UnicodeDecodeError)
    assert isinstance(caught.value, errors.ConfigDecodeError)
    assert caught.value.filename == str(path)
    assert caught.value.lineno == line


def test_a_base_that_is_not_utf8_names_the_file_that_asks_for_it():
    with pytest.raises(
        errors.ConfigEncodingError,
        match=r"latin1_comment\.py is not UTF-8 text.*which is a _base_ of .*base_not_utf8\.py",
    ):
        Config.fromfile(BAD / "base_not_utf8.py")


def test_an_encoding_error_pickles():
    with pytest.raises(errors.ConfigEncodingError) as caught:
        Config.fromfile(BAD / "latin1_comment.py")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is errors.ConfigEncodingError
    assert str(again) == str(caught.value)
    assert (again.encoding, again.reason) == (caught.value.encoding, caught.value.reason)


@pytest.mark.parametrize(
    ("raised", "expected", "builtin", "message"),
    [
        pytest.param(
            PermissionError(errno.EACCES, "Permission denied"),
            errors.ConfigPermissionError,
            PermissionError,
            "permission denied",
            id="permission",
        ),
        pytest.param(
            OSError(errno.EIO, "Input/output error"),
            errors.ConfigFileError,
            OSError,
            "Input/output error",
            id="io-error",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_an_os_error_naming_it(
    tmp_path, monkeypatch, raised, expected, builtin, message
):
    path = tmp_path / "locked.py"
    path.write_text("a = 1\n", encoding="utf-8")
    real_open = os.open

    def refusing_open(file, *args, **kwargs):
        if str(file) == str(path):
            raise raised
        return real_open(file, *args, **kwargs)

    # Tests run as root here, where chmod 000 does not stop reading: refuse in os.open().
    monkeypatch.setattr(os, "open", refusing_open)
    with pytest.raises(expected, match=rf'cannot read ".*locked\.py": {message}') as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, builtin)
    assert caught.value.errno == raised.errno


def test_a_nul_byte_is_a_syntax_error_on_every_python():
    with pytest.raises(
        errors.ConfigSyntaxError, match=r"null bytes.*nul_byte\.py, line 2"
    ) as caught:
        Config.fromfile(BAD / "nul_byte.py")
    # Python raised ValueError for this before 3.11.4, and SyntaxError since.
    assert isinstance(caught.value, SyntaxError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        pytest.param(".json", '{"a": ' + "9" * 5000 + "}", id="json"),
        pytest.param(".yaml", "a: " + "9" * 5000 + "\n", id="yaml"),
    ],
)
def test_an_integer_longer_than_python_converts_names_the_file(tmp_path, suffix, text):
    path = tmp_path / f"long{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        errors.DataSyntaxError, match=r"Exceeds the limit .*digits.*long\."
    ) as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, ValueError)
