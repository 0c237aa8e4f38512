"""The HTML reader: the article without page furniture, block order, tables as rows, the 发文字号 box."""

from __future__ import annotations

import pytest

from fazhi.errors import EmptyDocument
from fazhi.model import BlockKind, Warning
from fazhi.read import read_bytes
from fazhi.read.html import read_markup

TITLE = "某县人民政府办公室关于印发《某县2024年法治政府建设工作要点》的通知"

GOV_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="gbk"><title>{TITLE}_某县人民政府</title>
<meta name="ArticleTitle" content="{TITLE}">
<script>var tpl = "<p>脚本里的段落</p>"; document.write("弹窗广告");</script>
<style>.xxgk {{ color: red }}</style></head>
<body>
<div class="top-header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/bs">办事服务</a></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/xw">新闻中心</a></li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zfwj">政府文件</a></div>
<div class="main">
  <div class="xxgk-info"><table>
    <tr><td>索引号：</td><td>11330000MB0000000X/2024-00012</td><td>主题分类：</td><td>司法</td></tr>
    <tr><td>发文机关：</td><td>某县人民政府办公室</td><td>成文日期：</td><td>2024年03月05日</td></tr>
    <tr><td>标题：</td><td colspan="3">{TITLE}</td></tr>
    <tr><td>发文字号：</td><td>某政办发〔2024〕6号</td><td>发布日期：</td><td>2024-03-08</td></tr>
  </table></div>
  <div class="article">
    <h1>{TITLE}</h1>
    <div class="bdsharebuttonbox"><a href="#">分享到：</a><a href="#">微信</a><a href="#">微博</a></div>
    <div id="zoom" class="TRS_Editor">
      <p>各乡镇人民政府，县政府各部门：</p>
      <p>&#12288;&#12288;《某县2024年法治政府建设工作要点》已经县政府同意，现印发给你们，请认真贯彻执行。</p>
      <p>一、深化行政执法体制改革</p>
      <p>（一）推进综合执法。整合执法队伍，年底前完成乡镇综合执法改革。〔责任单位：县司法局，县市场监管局〕</p>
      <p>（二）规范执法程序。全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。<br>
         〔责任单位：县司法局&amp;县直各执法部门〕</p>
      <div>二、全面履行政府职能<br/>（一）优化营商环境。深化&ldquo;放管服&rdquo;改革，<span>推行&amp;ldquo;一件事&amp;rdquo;集成办。</span></div>
      <table border="1">
        <tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>完成时限</th></tr>
        <tr><td colspan="4">三、推进依法科学民主决策</td></tr>
        <tr><td>1</td><td>落实重大行政决策程序规定</td><td rowspan="2">县政府办公室</td><td>2024年12月底前</td></tr>
        <tr><td>2</td><td>健全合法性审查机制</td><td>长期坚持</td></tr>
      </table>
      <p style="text-align:right">某县人民政府办公室</p>
      <p style="text-align:right">2024年3月5日</p>
    </div>
    <div class="print-close"><a href="javascript:window.print()">【打印本页】</a> <a href="#">【关闭窗口】</a></div>
  </div>
</div>
<div class="sidebar"><h3>相关文件</h3><ul><li><a href="/a">某县2023年法治政府建设情况报告</a></li>
  <li><a href="/b">某县2023年法治政府建设工作要点</a></li></ul></div>
<div class="footer"><p>主办：某县人民政府办公室　版权所有　网站标识码：3300000000　浙ICP备00000000号</p></div>
<form action="/search"><input name="q" value="请输入关键词"><button>搜索</button></form>
</body></html>"""


def test_article_blocks_in_order_without_page_furniture() -> None:
    text = read_markup(GOV_PAGE, "通知.html", [])
    assert text.format == "html"
    paragraphs = [block.text for block in text.blocks if block.kind is BlockKind.PARAGRAPH]
    assert paragraphs == [
        TITLE,
        "各乡镇人民政府，县政府各部门：",
        "《某县2024年法治政府建设工作要点》已经县政府同意，现印发给你们，请认真贯彻执行。",
        "一、深化行政执法体制改革",
        "（一）推进综合执法。整合执法队伍，年底前完成乡镇综合执法改革。〔责任单位：县司法局，县市场监管局〕",
        "（二）规范执法程序。全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。",
        "〔责任单位：县司法局&县直各执法部门〕",
        "二、全面履行政府职能",
        "（一）优化营商环境。深化“放管服”改革，推行“一件事”集成办。",
        "某县人民政府办公室",
        "2024年3月5日",
    ]
    everything = "".join(block.text for block in text.blocks)
    for noise in ("脚本里的段落", "弹窗广告", "首页", "当前位置", "分享到", "打印本页", "相关文件", "版权所有",
                  "请输入关键词", "color"):
        assert noise not in everything
    assert [block.line for block in text.blocks] == list(range(1, len(text.blocks) + 1))


def test_tables_become_rows_with_spans_resolved() -> None:
    text = read_markup(GOV_PAGE, "通知.html", [])
    rows = [block.cells for block in text.blocks if block.kind is BlockKind.ROW]
    assert rows == [
        ("索引号：", "11330000MB0000000X/2024-00012", "主题分类：", "司法"),
        ("发文机关：", "某县人民政府办公室", "成文日期：", "2024年03月05日"),
        ("标题：", TITLE),
        ("发文字号：", "某政办发〔2024〕6号", "发布日期：", "2024-03-08"),
        ("序号", "工作任务", "牵头单位", "完成时限"),
        ("三、推进依法科学民主决策",),
        ("1", "落实重大行政决策程序规定", "县政府办公室", "2024年12月底前"),
        ("2", "健全合法性审查机制", "县政府办公室", "长期坚持"),  # rowspan repeated
    ]
    assert text.blocks[0].text == "索引号：\t11330000MB0000000X/2024-00012\t主题分类：\t司法"


def test_metadata_box_and_title() -> None:
    text = read_markup(GOV_PAGE, "通知.html", [])
    assert text.metadata == {
        "page_title": f"{TITLE}_某县人民政府",
        "index_number": "11330000MB0000000X/2024-00012",
        "category": "司法",
        "issuer": "某县人民政府办公室",
        "date": "2024-03-05",
        "title": TITLE,
        "doc_number": "某政办发〔2024〕6号",
        "published": "2024-03-08",
    }


def test_double_escaped_entities_repaired_and_recorded() -> None:
    text = read_markup(GOV_PAGE, "通知.html", [])
    entity_repairs = [repair for repair in text.repairs if repair.kind == "html-entity"]
    assert len(entity_repairs) == 1
    assert "&ldquo;一件事&rdquo;" in entity_repairs[0].before
    assert "“一件事”" in entity_repairs[0].after


LINE_PAGE = """<html><head><title>县司法局关于做好2024年度法治政府建设年度报告工作的通知</title>
<meta name="PubDate" content="2024-01-10 09:30"></head><body>
<div id="menu"><a href="/">网站首页</a> | <a href="/gk">信息公开</a></div>
<div class="content-box">
<div class="info">发文机关：县司法局　成文日期：2024年1月8日<br>发文字号：某司发〔2024〕1号</div>
<div class="text">各乡镇人民政府、街道办事处，县直各单位：<br>
为做好法治政府建设年度报告工作，现将有关事项通知如下。<br>
一、报告内容<br>
各单位应当围绕年度重点任务，报告推进法治政府建设的主要举措和成效，报告存在的不足和原因。<br>
二、报送时间<br>
请于2024年2月1日前将年度报告报送县司法局，同时抄送县委依法治县办。</div>
</div>
<div id="copyright">Copyright © 某县司法局</div>
</body></html>"""


def test_line_metadata_and_br_separated_text() -> None:
    text = read_markup(LINE_PAGE, "年报通知.htm", [Warning("read.undecodable", "示例警告")])
    assert [block.text for block in text.blocks] == [
        "发文机关：县司法局\u3000成文日期：2024年1月8日",  # ideographic space kept as printed
        "发文字号：某司发〔2024〕1号",
        "各乡镇人民政府、街道办事处，县直各单位：",
        "为做好法治政府建设年度报告工作，现将有关事项通知如下。",
        "一、报告内容",
        "各单位应当围绕年度重点任务，报告推进法治政府建设的主要举措和成效，报告存在的不足和原因。",
        "二、报送时间",
        "请于2024年2月1日前将年度报告报送县司法局，同时抄送县委依法治县办。",
    ]
    assert text.metadata == {
        "page_title": "县司法局关于做好2024年度法治政府建设年度报告工作的通知",
        "issuer": "县司法局",
        "date": "2024-01-08",
        "doc_number": "某司发〔2024〕1号",
        "published": "2024-01-10",
    }
    assert [warning.code for warning in text.warnings] == ["read.undecodable"]


LAYOUT_PAGE = """<html><body>
<table width="100%"><tr><td class="left-menu"><a href="/1">机构概况</a><br><a href="/2">政策文件</a><br>
<a href="/3">法治建设</a><br><a href="/4">联系我们</a></td>
<td><table><tr><td><p>某镇2024年法治政府建设工作计划</p>
<p>一、加强组织领导。镇党委、政府主要负责人切实履行推进法治建设第一责任人职责，每季度听取一次工作汇报。</p>
<p>二、推进严格规范公正文明执法。镇综合行政执法队全面落实行政执法三项制度，年内组织执法人员培训不少于两次。</p>
</td></tr></table></td></tr></table>
</body></html>"""


def test_layout_tables_are_read_as_paragraphs() -> None:
    text = read_markup(LAYOUT_PAGE, "计划.html", [])
    assert [(block.kind, block.text) for block in text.blocks] == [
        (BlockKind.PARAGRAPH, "某镇2024年法治政府建设工作计划"),
        (BlockKind.PARAGRAPH, "一、加强组织领导。镇党委、政府主要负责人切实履行推进法治建设第一责任人职责，每季度听取一次工作汇报。"),
        (BlockKind.PARAGRAPH, "二、推进严格规范公正文明执法。镇综合行政执法队全面落实行政执法三项制度，年内组织执法人员培训不少于两次。"),
    ]


def test_page_without_text_is_empty() -> None:
    with pytest.raises(EmptyDocument) as caught:
        read_markup("<html><head><script>alert('x')</script></head><body><nav><a>首页</a></nav></body></html>",
                    "空.html", [])
    assert caught.value.message == "网页中没有可读取的正文"


def test_gbk_page_through_dispatch_ignores_meta_charset() -> None:
    data = GOV_PAGE.replace('charset="gbk"', 'charset="iso-8859-1"').encode("gb18030")
    text = read_bytes(data, "通知.html")
    assert text.format == "html"
    assert text.metadata["doc_number"] == "某政办发〔2024〕6号"
    assert any(block.text == "一、深化行政执法体制改革" for block in text.blocks)
