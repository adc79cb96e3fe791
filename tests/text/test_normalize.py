"""Script conversion, pinyin artefacts and folding."""

from __future__ import annotations

from drafter.text.normalize import fold, normalize_text, strip_pinyin, to_simplified


def test_simplified_text_keeps_its_zhu() -> None:
    text = "坚持读原著学原文悟原理，成效显著，著力推进，卓著功勋。"
    assert to_simplified(text) == text


def test_traditional_text_resolves_zhu_particle() -> None:
    got = to_simplified("加強實踐鍛練，著力壯筋骨長才干，隨著發展，意味著責任。")
    assert got == "加强实践锻练，着力壮筋骨长才干，随着发展，意味着责任。"


def test_pinyin_artefacts_are_removed_but_latin_brackets_stay() -> None:
    assert strip_pinyin("鮮明態(tài)度，實戰(zhàn)化（zhàn）") == "鮮明態度，實戰化"
    assert strip_pinyin("使用 Python (3.11) 与 API(beta)") == "使用 Python (3.11) 与 API(beta)"


def test_normalize_folds_line_ends_and_blanks() -> None:
    raw = "　　第一行\u00a0文字\r\n第二行\u200b\r\r\n"
    assert normalize_text(raw) == "第一行 文字\n第二行\n\n"


def test_fold_ignores_script_width_and_spacing() -> None:
    assert fold("筑牢思想根基,激活想担当的“动力源”") == fold('筑牢思想根基， 激活想擔當的"動力源"')
    assert fold("一、") != fold("一。")
