"""Barcode decoding: public zxing-cpp samples (../shared/data/barcodes), synthetic frames, CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from border_app.barcodes import Barcode, decode_frame, decode_image, decode_plain_zxing, load_image
from border_app.errors import InvalidInput
from tests.conftest import SHARED_DATA

SAMPLES = SHARED_DATA / "barcodes"
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}
SETS = {"qrcode-7", "pdf417-4"}  # structured-append sets: NN-MM images make up NN.txt / NN.bin
FOLDERS = sorted(p for p in SAMPLES.iterdir() if p.is_dir()) if SAMPLES.is_dir() else []


def expected_for(image: Path) -> tuple[bytes | None, bool]:
    stem = image.stem
    part = image.parent.name in SETS
    if part:
        stem = stem.split("-")[0]
    for ext in (".txt", ".bin"):
        candidate = image.parent / (stem + ext)
        if candidate.exists():
            return candidate.read_bytes(), part
    return None, part


def matches(code: Barcode, expected: bytes, part: bool) -> bool:
    text = code.text.encode("utf-8")
    if part:
        return code.bytes in expected or text in expected
    return code.bytes == expected or text == expected


@pytest.mark.shared_data("barcodes")
@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_folder_reads_at_least_plain_zxing_and_all_reads_match(folder):
    ours = plain = 0
    wrong = []
    for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_EXT):
        expected, part = expected_for(image)
        if expected is None:
            continue
        codes = decode_image(image)
        if codes:
            if any(matches(c, expected, part) for c in codes):
                ours += 1
            else:
                wrong.append(image.name)
        if any(matches(c, expected, part) for c in decode_plain_zxing(image)):
            plain += 1
    assert not wrong, f"reads that do not match the expected text: {wrong}"
    assert ours >= plain, f"{folder.name}: ours {ours} < plain zxing-cpp {plain}"
    assert ours > 0


@pytest.mark.shared_data("barcodes", "qrcode-7")
def test_structured_append_parts_make_up_the_whole():
    folder = SAMPLES / "qrcode-7"
    parts = [decode_image(p)[0].text for p in sorted(folder.glob("01-*.png"))]
    assert "".join(parts) == (folder / "01.txt").read_text("utf-8")


def _qr_array(text: str, scale: int = 4) -> np.ndarray:
    import segno

    buf = io.BytesIO()
    segno.make_qr(text, error="m").save(buf, kind="png", scale=scale, border=4)
    return load_image(buf.getvalue())


def _code128_array(text: str) -> np.ndarray:
    import cv2
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
    img = np.asarray(zxingcpp.write_barcode_to_image(code, scale=3))
    img = img if img.ndim == 2 else img[:, :, 0]
    return cv2.resize(img, (img.shape[1], 120), interpolation=cv2.INTER_NEAREST)


def test_frame_with_several_codes_reports_all():
    frame = np.full((720, 1280, 3), 210, np.uint8)
    for (y, x), text in (((60, 80), "HC1:FIRST"), ((60, 700), "shc:/5676")):
        q = _qr_array(text)
        frame[y : y + q.shape[0], x : x + q.shape[1]] = q[:, :, None]
    bar = _code128_array("NER-123456")
    frame[500 : 500 + bar.shape[0], 300 : 300 + bar.shape[1]] = bar.reshape(bar.shape[0], bar.shape[1], -1)[:, :, :1]
    live = {c.text for _ in range(3) for c in decode_frame(frame)}  # live mode: all formats within 3 frames
    assert live == {"HC1:FIRST", "shc:/5676", "NER-123456"}
    assert {"HC1:FIRST", "shc:/5676"} <= {c.text for c in decode_frame(frame)}  # QR in every frame
    codes = decode_frame(frame, fast=False)
    assert {c.text for c in codes} == {"HC1:FIRST", "shc:/5676", "NER-123456"}
    formats = {c.text: c.format for c in codes}
    assert formats["HC1:FIRST"] == "QRCode" and formats["NER-123456"] == "Code128"
    first = next(c for c in codes if c.text == "HC1:FIRST")
    xs = [x for x, _y in first.position]
    assert 60 <= min(xs) and max(xs) <= 80 + 400
    assert all(c.backend == "zxing-cpp" for c in codes)


def test_inverted_and_rotated_codes():
    import cv2

    q = _qr_array("Agadez 2024")
    assert decode_image(255 - q)[0].text == "Agadez 2024"
    padded = cv2.copyMakeBorder(q, 60, 60, 60, 60, cv2.BORDER_CONSTANT, value=255)
    rot = cv2.warpAffine(padded, cv2.getRotationMatrix2D((padded.shape[1] / 2, padded.shape[0] / 2), 33, 1.0),
                         (padded.shape[1], padded.shape[0]), borderValue=255)
    assert decode_image(rot)[0].text == "Agadez 2024"


def test_non_latin_text_is_exact():
    text = "Aïcha — عائشة — 阿"
    assert decode_image(_qr_array(text))[0].text == text


def test_zbar_fallback_when_zxing_finds_nothing(monkeypatch):
    from border_app.barcodes import _zxing

    monkeypatch.setattr(_zxing, "decode_thorough", lambda gray: [])
    codes = decode_image(_qr_array("fallback"))
    assert [(c.text, c.backend, c.format) for c in codes] == [("fallback", "zbar", "QRCode")]
    assert decode_image(_qr_array("fallback"), use_zbar=False) == []


def test_blank_and_bad_images(tmp_path):
    assert decode_image(np.full((300, 300), 255, np.uint8)) == []
    bad = tmp_path / "x.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(InvalidInput):
        decode_image(bad)
    with pytest.raises(InvalidInput):
        decode_image(tmp_path / "missing.png")


def test_cli_barcode_json(tmp_path, home, capsys):
    import cv2

    from border_app.cli import main

    good = tmp_path / "good.png"
    cv2.imwrite(str(good), _qr_array("Niamey"))
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((100, 100), 255, np.uint8))
    assert main(["barcode", "--json", str(good)]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["file"] == str(good) and line["ms"] >= 0
    assert line["codes"][0]["format"] == "QRCode" and line["codes"][0]["text"] == "Niamey"
    assert len(line["codes"][0]["position"]) == 4
    assert main(["barcode", str(good), str(blank)]) == 1
    out = capsys.readouterr().out
    assert "Niamey" in out and "blank.png" in out
    assert main(["barcode", "--json", str(tmp_path / "nope.png")]) == 2
    assert json.loads(capsys.readouterr().out)["error"]
