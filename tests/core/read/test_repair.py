"""Clean-up that keeps provenance: each change is reported, nothing is dropped silently."""

from __future__ import annotations

from fazhi.model import Block
from fazhi.read.repair import clean_blocks


def cleaned(*lines: str) -> list[str]:
    return [b.text for b in clean_blocks([Block(t, n) for n, t in enumerate(lines, 1)]).blocks]


def test_a_sentence_cut_by_a_page_break_is_joined_and_reported() -> None:
    result = clean_blocks([Block("及时清理废除地方保护、指定交易、", 1), Block("市场壁垒等各种规定。", 3)])
    assert [b.text for b in result.blocks] == ["及时清理废除地方保护、指定交易、市场壁垒等各种规定。"]
    assert result.blocks[0].extra_lines == (3,)
    assert [r.kind for r in result.repairs] == ["joined-lines"]


def test_a_heading_then_its_paragraph_are_not_joined() -> None:
    assert cleaned("一、总体要求", "以习近平新时代中国特色社会主义思想为指导，全面建设法治政府。") == [
        "一、总体要求", "以习近平新时代中国特色社会主义思想为指导，全面建设法治政府。"]


def test_a_responsibility_line_is_not_joined_to_the_next_paragraph() -> None:
    assert cleaned("责任单位:县政府相关部门,各乡(镇)人民政府", "全面实行政府权责清单制度，推动履职。") == [
        "责任单位:县政府相关部门,各乡(镇)人民政府", "全面实行政府权责清单制度，推动履职。"]


def test_page_numbers_and_word_bookmarks_are_removed_and_reported() -> None:
    result = clean_blocks([Block("— 3 —", 1), Block("[bookmark: _GoBack]深入贯彻落实。", 2)])
    assert [b.text for b in result.blocks] == ["深入贯彻落实。"]
    assert {r.kind for r in result.repairs} == {"artefact"}


def test_gbk_text_shifted_by_one_byte_is_repaired_using_the_documents_own_character_pairs() -> None:
    lines = ["省委黨校〈貴州行政學院〉負責培訓。", "省委黨?!促F州行政學院〉參加。"]
    result = clean_blocks([Block(t, n) for n, t in enumerate(lines, 1)])
    assert result.blocks[1].text == "省委黨校〈貴州行政學院〉參加。"
    assert [r.kind for r in result.repairs] == ["gbk-shift"]


def test_a_shifted_heading_with_a_lost_character_is_repaired_and_the_loss_warned() -> None:
    result = clean_blocks([Block(" ?。ㄒ唬┲笇\ue7a9枷?。以習近平新時代思想為指導。", 7)])
    assert result.blocks[0].text.startswith("（一）指導思□。以習近平")
    assert [w.code for w in result.warnings] == ["repair.lost-char"]


def test_a_question_mark_in_ordinary_text_is_left_alone() -> None:
    assert cleaned("是否符合法定程序?各单位要认真核查。") == ["是否符合法定程序?各单位要认真核查。"]


def test_kangxi_radicals_from_pdf_text_are_folded() -> None:
    assert cleaned("⾏政执法") == ["行政执法"]
