"""问卷星 exports tallied by the core (scoring.exports.survey_import): modes, multi-select, matrix, skips, screening, matching."""
from decimal import Decimal

import pytest
from export_files import META, survey_table

from scoring import (
    ExportError,
    Survey,
    SurveyOption,
    SurveyQuestion,
    import_survey,
    read_survey_export,
)
from scoring.exports.survey_export import seconds

SEED_COUNTS = [(48, 1, 0), (49, 0, 0), (49, 0, 0), (49, 0, 0), (49, 0, 0), (46, 3, 0), (47, 2, 0), (48, 1, 0), (45, 4, 0),
               (47, 2, 0)]
NAMES = {"按序号": "812345678_按序号_寻甸县融媒体中心满意度调查问卷_50_50.xlsx",
         "按文本": "812345678_按文本_寻甸县融媒体中心满意度调查问卷_50_50.xlsx",
         "按分数": "812345678_按分数_寻甸县融媒体中心满意度调查问卷_50_50.xlsx"}


@pytest.fixture
def blank(seed) -> Survey:
    """The seed questionnaire with its counts cleared."""
    questions = [q.model_copy(update={"options": [o.model_copy(update={"count": 0}) for o in q.options]})
                 for q in seed.survey.questions]
    return seed.survey.model_copy(update={"questions": questions})


@pytest.mark.parametrize("mode", ["按序号", "按文本", "按分数"])
def test_seed_export_reproduces_the_seed_tally_in_every_mode(seed, blank, mode):
    export = read_survey_export(survey_table(seed.survey, mode), NAMES[mode])
    result = import_survey(export, blank.questions)
    survey, _ = result.survey(blank)
    assert [q.counts for q in result.questions] == SEED_COUNTS
    assert (survey.total, survey.average, survey.issued, survey.returned, survey.valid) == (Decimal(4835), Decimal("98.67"), 50, 50, 49)
    assert [(e.row, e.reason) for e in result.excluded] == [(51, "未回答任何计分题目")]
    assert [q.skipped for q in result.questions] == [0] * 10
    assert any(n.code == "SVI-EXTRA" and "第11题" in n.message for n in result.notes)  # the 填空 question is left out, and said so


def test_on_its_own_the_export_gives_each_question_as_exported(seed):
    export = read_survey_export(survey_table(seed.survey, "按序号"), NAMES["按序号"])
    result = import_survey(export)
    data = result.json()
    assert set(data) == {"returned", "valid", "excluded", "questions"}
    assert (data["returned"], data["valid"], data["excluded"]) == (50, 49, [{"row": 51, "reason": "未回答任何计分题目"}])
    first, tenth = data["questions"][0], data["questions"][9]
    assert first == {"number": 1, "title": "您认为该部门在深入基层调查研究情况方面做的如何？", "counts": [48, 1], "skipped": 0}
    assert tenth["counts"] == [47, 2] and len(data["questions"]) == 10
    assert any(n.code == "SVI-TEXT" and "第11题" in n.message for n in result.notes)


def _question(number, text, *options, points=(10, 5, 0)):
    return SurveyQuestion(number=number, text=text, options=[
        SurveyOption(label=chr(65 + i), text=o, points=Decimal(p)) for i, (o, p) in enumerate(zip(options, points))])


def test_multi_select_as_joined_texts_and_as_0_1_columns():
    question = _question(1, "您通过哪些渠道了解本部门？", "电视", "网站", "微信公众号")
    by_text = read_survey_export([[*META, "1、您通过哪些渠道了解本部门？"],
                                  [1, "", "", "", "", "", "电视┋微信公众号"],
                                  [2, "", "", "", "", "", "网站"],
                                  [3, "", "", "", "", "", "电视┋网站┋微信公众号"],
                                  [4, "", "", "", "", "", "(跳过)"]], "1_按文本_渠道_4_4.xlsx")
    by_number = read_survey_export([[*META, "1(电视)", "1(网站)", "1(微信公众号)"],
                                    [1, "", "", "", "", "", 1, 0, 1],
                                    [2, "", "", "", "", "", 0, 1, 0],
                                    [3, "", "", "", "", "", 1, 1, 1],
                                    [4, "", "", "", "", "", -3, -3, -3]], "1_按序号_渠道_4_4.xlsx")
    for export in (by_text, by_number):
        for questions in (None, [question]):
            result = import_survey(export, questions)
            assert result.questions[0].counts == (2, 2, 2) and result.questions[0].skipped == 0
            assert (result.valid, [e.row for e in result.excluded]) == (3, [5])
    assert import_survey(by_number).questions[0].options == ("电视", "网站", "微信公众号")


def test_matrix_rows_are_questions_matched_by_their_row_title():
    table = [[*META, "1、您的性别", "2、请评价本部门—服务态度", "—办事效率", "—信息公开"],
             [1, "", "", "", "", "", 1, 1, 2, 1],
             [2, "", "", "", "", "", 2, 1, 1, 3],
             [3, "", "", "", "", "", 1, 2, -2, 1]]
    export = read_survey_export(table, "9_按序号_测评_3_3.xlsx")
    assert [(i.number, i.title) for i in export.items] == [
        (1, "您的性别"), (2, "请评价本部门—服务态度"), (2, "请评价本部门—办事效率"), (2, "请评价本部门—信息公开")]
    workbook = [_question(1, "服务态度", "满意", "一般", "不满意"), _question(2, "办事效率", "满意", "一般", "不满意"),
                _question(3, "请评价本部门—信息公开", "满意", "一般", "不满意")]
    result = import_survey(export, workbook)
    assert [(q.number, q.counts, q.skipped) for q in result.questions] == [(1, (2, 1, 0), 0), (2, (1, 1, 0), 1), (3, (2, 0, 1), 0)]
    assert any(n.code == "SVI-EXTRA" and "您的性别" in n.message for n in result.notes)


def test_skips_are_counted_per_question_and_a_respondent_with_any_answer_stays_valid():
    table = [[*META, "1、甲", "2、乙"], [1, "", "", "", "", "", 1, -2], [2, "", "", "", "", "", -3, 2], [3, "", "", "", "", "", "", ""]]
    result = import_survey(read_survey_export(table, "1_按序号_x_3_3.xlsx"),
                           [_question(1, "甲", "好", "中", "差"), _question(2, "乙", "好", "中", "差")])
    assert [(q.counts, q.skipped) for q in result.questions] == [((1, 0, 0), 1), ((0, 1, 0), 1)]
    assert (result.returned, result.valid) == (3, 2)  # row 4 answered nothing: returned, not valid


def _small(times=("2分3秒", "59秒", "1分", "3分"), ips=("1.1.1.1(北京)", "2.2.2.2(云南)", "1.1.1.1(北京)", "3.3.3.3")):
    rows = [[*META, "1、甲"]]
    rows += [[i + 1, "", t, "", "", ip, 1] for i, (t, ip) in enumerate(zip(times, ips))]
    return read_survey_export(rows, "1_按序号_x_4_4.xlsx")


def test_screening_by_time_and_by_ip_lists_every_excluded_row_with_its_reason():
    result = import_survey(_small(), min_seconds=60, dedupe_ip=True)
    assert [(e.row, e.reason) for e in result.excluded] == [(3, "用时59秒，少于60秒"), (4, "来自IP 1.1.1.1 与第2行相同")]
    assert (result.returned, result.valid, result.questions[0].counts) == (4, 2, (2,))
    assert import_survey(_small(), min_seconds=60).valid == 3


def test_unreadable_time_names_the_row_and_the_right_form():
    with pytest.raises(ExportError, match=r"所用时间「约两分钟」无法识别，应如 123秒 或 2分3秒（1处，如第3行）"):
        import_survey(_small(times=("2分3秒", "约两分钟", "1分", "3分")), min_seconds=60)


@pytest.mark.parametrize("value, expected", [("123秒", 123), ("2分3秒", 123), ("1小时2分", 3720), (95, 95), ("95", 95),
                                             ("2 分 3 秒", 123), ("两分钟", None), ("", None)])
def test_seconds(value, expected):
    assert seconds(value) == expected


def test_every_mismatch_is_an_error_naming_both_sides():
    workbook = [_question(1, "甲", "好", "中", "差"), _question(2, "乙", "好", "中", "差")]
    wrong_title = read_survey_export([[*META, "1、甲", "2、丙"], [1, "", "", "", "", "", 1, 1]], "1_按序号_x_1_1.xlsx")
    with pytest.raises(ExportError, match="工作簿第2题「乙」与导出文件第2题「丙」标题不同"):
        import_survey(wrong_title, workbook)
    out_of_range = read_survey_export([[*META, "1、甲", "2、乙"], [1, "", "", "", "", "", 1, 4], [2, "", "", "", "", "", 4, 4]],
                                      "1_按序号_x_2_2.xlsx")
    with pytest.raises(ExportError) as caught:
        import_survey(out_of_range, workbook)
    message = str(caught.value)
    assert "共2处问题" in message and "未写入任何数据" in message
    assert "导出文件第2题（H列）「4」超出工作簿第2题的3个选项（A 好 10分；B 中 5分；C 差 0分）（2处，如第2行）" in message
    assert "导出文件第1题（G列）「4」超出工作簿第1题的3个选项" in message and "（1处，如第3行）" in message
    unknown_text = read_survey_export([[*META, "1、甲", "2、乙"], [1, "", "", "", "", "", "好", "还行"]], "1_按文本_x_1_1.xlsx")
    with pytest.raises(ExportError, match="「还行」不是工作簿第2题的选项"):
        import_survey(unknown_text, workbook)
    same_points = [_question(1, "甲", "好", "中", "差", points=(10, 5, 5)), workbook[1]]
    by_score = read_survey_export([[*META, "1、甲", "2、乙"], [1, "", "", "", "", "", 5, 10]], "1_按分数_x_1_1.xlsx")
    with pytest.raises(ExportError, match="「5」对应工作簿第1题的多个选项"):
        import_survey(by_score, same_points)


def test_titles_ignore_punctuation_and_a_renumbered_question_is_found_by_title():
    export = read_survey_export([[*META, "1、您的年龄段", "2、您 对服务是否满意?", "3、您对效率是否满意"],
                                 [1, "", "", "", "", "", 2, 1, 2]], "1_按序号_x_1_1.xlsx")
    result = import_survey(export, [_question(1, "您对服务是否满意？", "是", "一般", "否"), _question(2, "您对效率是否满意。", "是", "一般", "否")])
    assert [q.counts for q in result.questions] == [(1, 0, 0), (0, 1, 0)]
    assert sum(n.code == "SVI-NUMBER" for n in result.notes) == 2


def test_hidden_numbering_matches_by_title():
    export = read_survey_export([[*META, "您对服务是否满意", "您对效率是否满意"], [1, "", "", "", "", "", "满意", "一般"]], "x.csv")
    assert export.mode == "text"
    result = import_survey(export, [_question(1, "您对服务是否满意", "满意", "一般", "不满意"),
                                    _question(2, "您对效率是否满意", "满意", "一般", "不满意")])
    assert [q.counts for q in result.questions] == [(1, 0, 0), (0, 1, 0)]


def test_without_the_mode_in_the_file_name_numbers_are_told_apart_or_refused():
    workbook = [_question(1, "甲", "好", "中", "差")]
    scores = read_survey_export([[*META, "1、甲"], [1, "", "", "", "", "", 10], [2, "", "", "", "", "", 0]], "答卷.xlsx")
    result = import_survey(scores, workbook)
    assert (result.mode, result.questions[0].counts) == ("score", (1, 0, 1))
    assert any(n.code == "SVI-MODE" and "按分数" in n.message for n in result.notes)
    either = read_survey_export([[*META, "1、甲"], [1, "", "", "", "", "", 1]], "答卷.xlsx")
    with pytest.raises(ExportError, match="选项序号还是分值"):
        import_survey(either, [_question(1, "甲", "好", "中", "差", points=(3, 2, 1))])


def test_questions_are_created_from_any_export_on_a_blank_sheet():
    table = [[*META, "1、甲", "2、乙"], [1, "", "", "", "", "", 10, 5], [2, "", "", "", "", "", 5, 5]]
    survey, notes = import_survey(read_survey_export(table, "1_按分数_问卷_2_2.xlsx")).survey(None)
    assert [(q.number, q.text, [(o.label, o.points, o.count) for o in q.options]) for q in survey.questions] == [
        (1, "甲", [("A", Decimal(10), 1), ("B", Decimal(5), 1)]), (2, "乙", [("A", Decimal(5), 2)])]
    assert (survey.title, survey.issued, survey.returned, survey.valid) == ("问卷", 2, 2, 2)
    assert any(n.code == "SVI-ISSUED" for n in notes)
    by_number = import_survey(read_survey_export([[*META, "1、甲", "2、乙"], [1, "", "", "", "", "", 1, 2],
                                                  [2, "", "", "", "", "", 3, 2]], "1_按序号_问卷_2_2.xlsx"))
    survey, notes = by_number.survey(None)  # 按序号: no texts, no points; as many options as the highest number
    assert [[(o.label, o.text, o.points, o.count) for o in q.options] for q in survey.questions] == [
        [("A", "", None, 1), ("B", "", None, 0), ("C", "", None, 1)], [("A", "", None, 0), ("B", "", None, 2)]]
    assert survey.unscored == [1, 2] and survey.average is None
    assert [f.code for f in survey.findings() if f.severity == "error"] == ["SURVEY-POINTS"]
    scaled, notes = by_number.survey(None, scale="10/5/0")  # the 分值方案 gives the points and the third option
    assert [[(o.points, o.count) for o in q.options] for q in scaled.questions] == [
        [(10, 1), (5, 0), (0, 1)], [(10, 0), (5, 2), (0, 0)]]
    assert (scaled.total, scaled.average) == (Decimal(20), Decimal(10))
    assert any(n.code == "SVI-OPTIONS" and "（第2题按分值方案补足）" in n.message for n in notes)
    by_text = import_survey(read_survey_export([[*META, "1、甲"], [1, "", "", "", "", "", "好"], [2, "", "", "", "", "", "差"]],
                                               "1_按文本_问卷_2_2.xlsx"))
    survey, _ = by_text.survey(None, scale="10/0")
    assert [(o.text, o.points, o.count) for o in survey.questions[0].options] == [("好", 10, 1), ("差", 0, 1)]


def test_a_file_without_a_header_is_refused():
    with pytest.raises(ExportError, match="不像问卷星导出的答卷数据"):
        read_survey_export([["a", "b"], [1, 2]], "x.xlsx")


def test_a_slightly_edited_title_is_matched_by_number_with_a_note_naming_both():
    workbook = [_question(1, "您的年龄段", "青年", "中年", "老年"), _question(2, "您对该部门（单位）的服务是否满意？", "是", "一般", "否")]
    dropped = read_survey_export([[*META, "1、您的年龄段", "2、您对该部门的服务是否满意？"], [1, "", "", "", "", "", 1, 3]],
                                 "1_按序号_x_1_1.xlsx")
    result = import_survey(dropped, workbook)
    assert [q.counts for q in result.questions] == [(1, 0, 0), (0, 0, 1)]
    note, = [n for n in result.notes if n.code == "SVI-TITLE"]
    assert note.severity == "warning" and "「您对该部门（单位）的服务是否满意？」" in note.message
    assert "「您对该部门的服务是否满意？」" in note.message
    too_short = read_survey_export([[*META, "1、您的年龄段", "2、满意吗？"], [1, "", "", "", "", "", 1, 3]], "1_按序号_x_1_1.xlsx")
    with pytest.raises(ExportError, match="与导出文件第2题「满意吗？」标题不同"):  # contained, but a small part of it
        import_survey(too_short, workbook)
