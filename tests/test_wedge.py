"""Keyboard-wedge burst classification and the optional serial scanner source."""

from __future__ import annotations

import pytest

from border_app.wedge import BurstCollector, classify, intervals_from_times, is_mrz_shape

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]


def gaps(n, ms):
    return [ms] * n


def test_fast_mrz_reader_burst():
    text = "\r".join(TD3) + "\r"
    burst = classify(text, gaps(len(text) - 1, 6))
    assert burst.kind == "mrz" and burst.lines == TD3
    assert classify("\n".join(TD1), gaps(92, 4)).kind == "mrz"


def test_fast_barcode_scanner_burst():
    burst = classify("HC1:NCFOXN%TS3DH\r", gaps(16, 3))
    assert burst.kind == "barcode" and burst.text == "HC1:NCFOXN%TS3DH"
    assert classify("4006381333931\n", [12, 9, 15, 10, 11, 8, 13, 12, 9, 10, 11, 12, 10]).kind == "barcode"


def test_human_typing():
    assert classify("Moussa\r", [180, 140, 220, 160, 150, 300]).kind == "typing"
    # a person typing an MRZ-shaped text slowly is still typing
    assert classify("\r".join(TD3), gaps(88, 150)).kind == "typing"
    # fast but with a long pause inside: a person who typed fast, then stopped
    assert classify("abcdef", [10, 10, 900, 10, 10]).kind == "typing"


def test_no_timings_uses_content():
    assert classify("\n".join(TD3)).kind == "mrz"
    assert classify("shc:/5676").kind == "barcode"
    assert classify("Niamey").kind == "typing"


def test_mrz_shape():
    assert is_mrz_shape(TD3) and is_mrz_shape(TD1)
    assert not is_mrz_shape([TD3[0], TD3[1][:-1]])
    assert not is_mrz_shape(["hello", "world"])


def test_collector_waits_for_all_mrz_lines_and_splits_bursts():
    collector = BurstCollector()
    t = 0.0
    out = []
    for ch in "\r".join(TD3) + "\r":
        t += 7
        burst = collector.feed(ch, t)
        if burst:
            out.append(burst)
    assert [b.kind for b in out] == ["mrz"]
    # a scan, a pause, then typing: two bursts
    out = []
    for ch in "ABC-123\r":
        t += 5
        if (b := collector.feed(ch, t)):
            out.append(b)
    t += 2000
    for ch in "Ali":
        t += 200
        if (b := collector.feed(ch, t)):
            out.append(b)
    if (b := collector.flush()):
        out.append(b)
    assert [(b.kind, b.text) for b in out] == [("barcode", "ABC-123"), ("typing", "Ali")]
    assert intervals_from_times([0, 5, 15]) == [5, 10]


def test_serial_loopback():
    from border_app.serial_source import SerialScanner

    with SerialScanner("loop://") as scanner:
        scanner.write(b"HC1:ABC\r\nNER-42\r")
        assert list(scanner.read_codes(limit=2)) == ["HC1:ABC", "NER-42"]


def test_serial_missing_port_is_a_clear_error():
    from border_app.errors import DeviceUnavailable
    from border_app.serial_source import SerialScanner

    with pytest.raises(DeviceUnavailable):
        SerialScanner("/dev/does-not-exist-hhbm").open()
