"""Projects linked across years of one publisher, and every changed target shown (issue 26, comparisons).

Two real-shaped years: the seed (2025) and a copy the test makes of it as 2024, its projects renamed the way
publishers rename them (one word changed, a year prefix, 经费↔资金) and some targets changed (a count, a
percentage, a deadline, a qualitative wording). Every renamed project must be linked to its seed project,
with a reason and a score, and every changed target shown, nothing else.
"""

from __future__ import annotations

import pandas as pd
import pytest

from budgetkit.analyse.compare import compare_projects, compare_targets, strip_year
from budgetkit.analyse.links import link_projects, read_decisions
from budgetkit.parse import parse_file
from conftest import SEED

#: (name in the seed (2025), name in the 2024 copy, the family of the rename).
RENAMES = [
    ("职工困难帮扶资金项目", "职工困难帮扶经费项目", "synonym-经费-资金"),
    ("党委政府慰问经费", "2024年党委政府慰问经费", "year-prefix"),
    ("省部级劳模困难补助资金", "省部级劳模困难补贴资金", "one-word-changed"),
    ("“创双优”活动专项经费", "2024年“创双优”活动专项资金", "year-prefix-and-synonym"),
    ("省部级劳模疗休养费项目", "省部级劳模疗休养项目", "one-word-dropped"),
    ("宁夏工人文化宫公益文体服务活动补助", "宁夏工人文化宫公益文化服务活动补助", "one-character-changed"),
]

#: (line in the seed, the same line in the 2024 copy, what changed): every one must be shown.
TARGET_CHANGES = [
    ("职工困难医疗救助 200户", "职工困难医疗救助 180户", "数量变化"),
    ("受帮扶救助困难职工满意度 ≥90％", "受帮扶救助困难职工满意度 ≥85％", "百分比变化"),
    ("资金发放完成时间 2025年12月底前", "资金发放完成时间 2025年10月底前", "时限变化"),
    ("职工对工会的认同感 得到提高", "职工对工会的认同感 有所提高", "定性表述变化"),
]


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    text = SEED.read_text(encoding="utf-8")
    for before, after, _ in TARGET_CHANGES:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    text = text.replace("2025", "2024")
    for seed_name, renamed, _ in RENAMES:
        line = f"项目名称 {seed_name.replace('2025', '2024')}"
        assert text.count(line + "\n") == 1, line
        text = text.replace(line + "\n", f"项目名称 {renamed}\n")
    folder = tmp_path_factory.mktemp("links")
    copy = folder / "nx-2024-renamed.txt"
    copy.write_text(text, encoding="utf-8")
    old, new = parse_file(copy, year=2024), parse_file(SEED, year=2025)
    projects = pd.concat([old.projects, new.projects], ignore_index=True)
    indicators = pd.concat([old.indicators, new.indicators], ignore_index=True)
    return projects, indicators, old, new


@pytest.mark.parametrize(("seed_name", "renamed", "family"), [pytest.param(*r, id=r[2]) for r in RENAMES])
def test_every_renamed_project_is_linked(two_years, seed_name, renamed, family):
    projects, _, old, new = two_years
    links = link_projects(projects)
    old_id = old.projects.loc[old.projects["project"] == renamed, "project_id"].item()
    new_id = new.projects.loc[new.projects["project"] == seed_name, "project_id"].item()
    link = links[links["from_id"] == old_id]
    assert link["to_id"].tolist() == [new_id], f"{family}: {renamed} → {link['to_project'].tolist()}"
    assert link["reason"].item() and 0 < link["score"].item() <= 1.1


def test_links_are_one_to_one_and_keep_same_named_projects_of_two_units_apart(two_years):
    projects, _, old, new = two_years
    links = link_projects(projects)
    assert len(links) == len(old.projects) == len(new.projects)
    assert links["from_id"].is_unique and links["to_id"].is_unique
    order = dict(zip(new.projects["project_id"], range(len(new.projects)), strict=True))
    assert [order[t] for t in links.sort_values("from_id")["to_id"]] == list(range(len(new.projects)))


def test_every_changed_target_is_shown_and_nothing_else(two_years):
    projects, indicators, _, _ = two_years
    changes = compare_targets(indicators, link_projects(projects))
    got = {(r.from_value, r.to_value, r.what) for r in changes.itertuples()}
    expected = {(after.split(" ", 1)[1].replace("2025", "2024"), before.split(" ", 1)[1], what)
                for before, after, what in TARGET_CHANGES}
    expected = {(a.replace("％", "%"), b.replace("％", "%"), w) for a, b, w in expected}
    assert got == expected
    count = changes[changes["what"] == "数量变化"].iloc[0]
    assert (count["from_num"], count["to_num"], count["num_change"]) == (180.0, 200.0, 20.0)


def test_renamed_projects_compare_their_budgets_in_one_row(two_years):
    projects, _, _, _ = two_years
    table = compare_projects(projects, link_projects(projects))
    assert len(table) == 11 and table["y2024"].notna().all() and table["y2025"].notna().all()
    renamed = table[table["link"].ne("")]  # a name that only moved its year needs no word
    assert len(renamed) == sum(strip_year(a) != strip_year(b) for a, b, _ in RENAMES)
    assert all("→" in text and "，" in text for text in renamed["link"])


def test_a_missing_budget_is_not_zero():
    projects = pd.DataFrame({"project_id": ["a", "b"], "year": [2024, 2025], "implementing_unit": ["u", "u"],
                             "project": ["2024年甲项目", "2025年甲项目"], "total_wan": [None, 12.0]})
    table = compare_projects(projects, link_projects(projects))
    assert pd.isna(table.loc[0, "y2024"]) and pd.isna(table.loc[0, "change"])


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        pytest.param("break", [], id="break-a-link"),
        pytest.param("confirm", [("a", "c")], id="confirm-a-link-the-names-do-not-show"),
    ],
)
def test_a_researcher_confirms_or_breaks_links_in_links_csv(tmp_path, decision, expected):
    projects = pd.DataFrame({"project_id": ["a", "b", "c"], "year": [2024, 2025, 2025],
                             "department": ["局"] * 3, "implementing_unit": ["u"] * 3,
                             "project": ["职工疗休养经费", "职工疗休养资金", "全民健身活动"],
                             "total_wan": [20.0, 21.0, 30.0]})
    assert link_projects(projects)[["from_id", "to_id"]].values.tolist() == [["a", "b"]]
    pair = ("a", "b") if decision == "break" else ("a", "c")
    path = tmp_path / "links.csv"
    path.write_text(f"from_id,to_id,decision,note\n{pair[0]},{pair[1]},{decision},人工核对\n", encoding="utf-8")
    links = link_projects(projects, read_decisions(path))
    assert [tuple(p) for p in links[["from_id", "to_id"]].values.tolist()] == expected


def test_a_project_renamed_beyond_recognition_is_linked_by_its_targets(two_years):
    projects, indicators, old, new = two_years
    first = old.projects["project_id"].iloc[0]
    renamed = projects.assign(project=projects["project"].where(projects["project_id"] != first, "全新的名字"))
    by_name = link_projects(renamed)
    assert first not in set(by_name["from_id"])
    links = link_projects(renamed, indicators=indicators)
    link = links[links["from_id"] == first]
    assert link["to_id"].tolist() == [new.projects["project_id"].iloc[0]] and "指标名称重合" in link["reason"].item()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(("劳模疗休养经费", "总工会", 20.0), ("职工技能竞赛经费", "总工会", 30.0), id="other-project-same-unit"),
        pytest.param(("基本支出项目", "工人疗养院", 167.0), ("基本支出项目", "工人文化宫", 103.0),
                     id="same-name-other-unit"),
        pytest.param(("2024年信息化建设经费", "总工会", 50.0), ("2025年档案数字化经费", "总工会", 50.0),
                     id="year-and-fund-word-alike-only"),
    ],
)
def test_other_projects_are_not_linked(before, after):
    projects = pd.DataFrame({"project_id": ["a", "b"], "year": [2024, 2025], "department": ["局", "局"],
                             "project": [before[0], after[0]], "implementing_unit": [before[1], after[1]],
                             "total_wan": [before[2], after[2]]})
    assert link_projects(projects).empty


def test_the_same_indicator_is_placed_across_publishers(two_years):
    from budgetkit.analyse.compare import compare_publishers

    projects, indicators, old, new = two_years
    other = old.projects["project_id"]
    projects = projects.assign(year=2025, department=projects["department"].where(
        ~projects["project_id"].isin(other), "某市民政局"))
    table = compare_publishers(projects, indicators)
    satisfied = indicators[indicators["kind"].eq("percent") & indicators["indicator"].str.contains("满意")]
    family = table[table["family"] == "满意度目标（%）"]
    assert len(family) == len(satisfied) and (family["publishers"] == 2).all()
    assert family["rank_pct"].between(0, 100, inclusive="right").all() and family["rank_pct"].max() == 100
    rates = indicators[indicators["kind"].eq("rate") & indicators["value_yuan"].notna()]
    per_unit = table[table["family"].str.startswith("单位成本")]
    assert len(per_unit) == len(rates)
    assert sorted(per_unit["family"].unique()) == sorted(f"单位成本（元/{u}）" for u in rates["per_unit"].unique())
