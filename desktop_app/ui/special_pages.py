"""The few pages that show more than their form: the cover (cascade, committee, approval chain),
现有职称情况 (seniority to 31 December) and 年度考核情况 (the five years pre-listed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from desktop_app.formspec.cover import (
    committee_choices,
    signers_needed,
    tier_choices,
    tier_of_chosen_title,
    title_choices,
)
from desktop_app.formspec.types import check_value
from desktop_app.reference import approval_chain, full_years, publicity_period, seniority_cutoff
from desktop_app.ui.fields import ComboEditor
from desktop_app.ui.form_view import HELP_STYLE
from desktop_app.ui.pages import SinglePage, TablePage, refresh_dynamic
from desktop_app.usecases.wizard import prelist_annual_reviews

TIER_BOX_STYLE = "QLabel { border: 1px solid #1a73e8; border-radius: 4px; padding: 6px 10px; background: #e8f0fe; color: #174ea6; }"
# Cover fields whose change alters the offered choices or the approval chain.
_CASCADE = {
    "series",
    "track",
    "tier",
    "title_name",
    "committee_level",
    "committee",
    "district",
    "unit_type",
    "dispatched",
    "employer_nature",
}
# Series shown the way the guide and applicants name them (“昆明市工程系列…评审委员会”, “农业系列初级职称”);
# the stored value stays the name in the guide's table 二、1.
SERIES_SHOWN = {"工程技术人员": "工程系列", "农业技术人员": "农业系列"}


class ChainWidget(QGroupBox):
    """The approval chain as a row of tier boxes, in signing order."""

    def __init__(self) -> None:
        super().__init__("纸质材料逐级审核盖章顺序（指南二、3、二、18）")
        self.row = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.row)
        layout.addWidget(self.message)
        self.boxes: list[QLabel] = []

    def show_chain(
        self,
        unit_type: str,
        committee_level: str,
        dispatched: str,
        employer_nature: str = "",
        procedure: Any = None,
    ) -> None:
        """Rebuild the boxes for the current answers (a message when something is still missing)."""
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes = []
        if not unit_type or not committee_level:
            self.message.setText("选择单位类型和评委会级别后，这里显示审核盖章的顺序。")
            return
        try:
            tiers = approval_chain(
                unit_type, committee_level, dispatched == "是", employer_nature, procedure=procedure
            )
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        explanation = (
            procedure.explain(unit_type, committee_level, dispatched == "是", employer_nature)
            if procedure
            else ""
        )
        self.message.setText(
            "申报人本人签字后，依次由以上各级审核、签署意见并盖章。"
            + (f"\n指南原文：{explanation}" if explanation else "")
        )
        for index, tier in enumerate(tiers):
            if index:
                arrow = QLabel("→")
                self.row.addWidget(arrow)
            box = QLabel(tier.name)
            box.setStyleSheet(TIER_BOX_STYLE)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.setWordWrap(True)
            self.row.addWidget(box)
            self.boxes.append(box)
        self.row.addStretch(1)

    def tier_names(self) -> list[str]:
        """The names shown, in order."""
        return [box.text() for box in self.boxes]


class CoverPage(SinglePage):
    """职称申报封面: 系列 → 专业 → 级别 → 职称, the committees that fit, and the approval chain."""

    def __init__(self, session: Any, section: Any) -> None:
        super().__init__(session, section)
        self.committee_info = QLabel("")
        self.committee_info.setWordWrap(True)
        self.committee_info.setStyleSheet(HELP_STYLE)
        self.chain = ChainWidget()
        # Above the form, so the chain visibly changes while unit type and committee level are chosen.
        self.body_layout.insertWidget(1, self.chain)
        self.body_layout.insertWidget(1, self.committee_info)
        self.edition = QLabel("")
        self.edition.setWordWrap(True)
        self.edition.setStyleSheet(HELP_STYLE)
        self.body_layout.insertWidget(1, self.edition)
        self.form.editors["series"].set_shown(SERIES_SHOWN)
        self.publicity_end = self.add_publicity_end()

    def after_load(self, cover: Mapping[str, Any]) -> None:
        self.cascade()
        self.show_edition()

    def show_edition(self) -> None:
        """Which edition of the guide's tables the choices come from, and what to check for a later year."""
        from desktop_app.ui.start_page import edition_notice

        text = self.form.text("year").strip()
        year = int(text) if text.isdigit() else self.session.services.today.year
        self.edition.setText(
            edition_notice(
                self.session.services.reference.edition,
                year,
                self.session.services.reference.procedure.guide_title,
            )
        )

    def on_field_edited(self, key: str) -> None:
        if key == "year":
            self.show_edition()
        if key in _CASCADE:
            for cleared in self.cascade():
                self.saver.mark(cleared)
        if key == "publicity_start":
            self.show_publicity_end()

    def add_publicity_end(self) -> QLabel:
        """The computed last day of the unit's publicity, beside its start date (二、18)."""
        label = QLabel("")
        label.setWordWrap(True)
        label.setStyleSheet(HELP_STYLE)
        editor = self.form.editors["publicity_start"].widget
        grid = self.form.layout()
        assert isinstance(grid, QGridLayout)
        position: Any = grid.getItemPosition(grid.indexOf(editor))  # (row, column, rows, columns)
        row = position[0]
        grid.addWidget(label, row, 2)
        return label

    def show_publicity_end(self) -> None:
        """结束日期 from the start on screen: working days by the holiday calendar; “暂定” when not yet published."""
        spec = self.section.field("publicity_start")
        checked = check_value(spec, self.form.texts().get("publicity_start", ""), self.session.services.today)
        if not checked.ok or not isinstance(checked.value, str):
            self.publicity_end.setText("")
            return
        period = publicity_period(date.fromisoformat(checked.value))
        end = period.end
        text = f"结束日期：{end.year}年{end.month}月{end.day}日（共 {period.workdays} 个工作日）"
        self.publicity_end.setText(text + ("（暂定）" if period.provisional else ""))
        self.publicity_end.setToolTip(period.note)

    def cascade(self) -> list[str]:
        """Recompute the dependent choices, committee details and chain from what is on screen."""
        cleared = refresh_dynamic(self.form, self.session, {})
        cleared += self.skip_single_track()
        reference = self.session.services.reference
        # The rules are formspec.cover's; this page applies them in order to what is on screen.
        texts: dict[str, Any] = {k: v for k, v in self.form.texts().items() if v}
        tiers = tier_choices(texts, reference)
        if self.form.editors["tier"].set_choices(tiers):
            cleared.append("tier")
            texts.pop("tier", None)
        title_tier = tier_of_chosen_title(texts, reference, tiers)
        if title_tier is not None:
            texts["tier"] = title_tier
            self.form.editors["tier"].set_text(title_tier)
            self.form.check_live("tier")
            cleared.append("tier")
        if self.form.editors["title_name"].set_choices(
            title_choices(self.form.field_spec("title_name"), texts, reference)
        ):
            cleared.append("title_name")
        texts = {k: v for k, v in self.form.texts().items() if v}
        self.form.editors["committee"].set_choices(committee_choices(texts, reference))
        self.describe_committees()
        self.show_committee(texts.get("committee", ""))
        self.show_publicity_end()
        self.chain.show_chain(
            texts.get("unit_type", ""),
            texts.get("committee_level", ""),
            texts.get("dispatched", ""),
            texts.get("employer_nature", ""),
            reference.procedure,
        )
        # Who signs a tier (主管部门, 所在县（市）区 …) is asked only when the chain has that tier (procedure data).
        self.form.set_required_by_page(
            {
                key: needed
                for key, needed in signers_needed(texts, reference).items()
                if key in self.form.editors
            }
        )
        return cleared

    def skip_single_track(self) -> list[str]:
        """A series with one 专业（子系列） (the series itself) needs no choice: it is filled in and the step hidden."""
        editor = self.form.editors["track"]
        combo = editor.combo  # type: ignore[attr-defined]
        choices = [str(combo.itemData(i)) for i in range(combo.count())]
        single = len(choices) == 1 and bool(self.form.text("series"))
        self.form.set_field_visible("track", not single)
        if single and editor.text() != choices[0]:
            editor.set_text(choices[0])
            self.form.check_live("track")
            return ["track"]
        if single:
            self.form.messages["track"].setVisible(False)
        return []

    def describe_committees(self) -> None:
        """Each offered committee shows its phone and planned review month when pointed at."""
        editor = self.form.editors["committee"]
        assert isinstance(editor, ComboEditor)  # forms/02_cover.toml declares the committee as a choice
        combo = editor.combo
        for index in range(combo.count()):
            text = self.committee_details(combo.itemText(index))
            combo.setItemData(index, text, Qt.ItemDataRole.ToolTipRole)

    def committee_details(self, name: str) -> str:
        """组建单位, 咨询电话 and 计划评审时间 of a listed committee ("" when unknown)."""
        reference = self.session.services.reference
        committee = reference.committee_by_name(name)
        if committee is None:
            return ""
        plan = reference.plan_for(name)
        month = f"，计划评审时间：{plan.month_text}" if plan else ""
        return f"组建单位：{committee.organiser}，咨询电话：{committee.phone}{month}"

    def show_committee(self, name: str) -> None:
        """Phone and planned review month of the chosen committee."""
        details = self.committee_details(name) if name else ""
        if not details:
            self.committee_info.setText(
                "" if not name else "省级或未列入指南的评委会：请向其组建单位咨询受理时间。"
            )
            return
        self.committee_info.setText(f"评审委员会：{name}（{details}）")


class CurrentTitlePage(TablePage):
    """现有职称情况, with the seniority counted to 31 December of the declaration year (指南二、6)."""

    def update_extra(self, app: Any) -> None:
        year = app.value("cover", "year")
        entries = app.section(self.section.key).entries
        lines: list[str] = []
        if isinstance(year, int):
            cutoff = seniority_cutoff(year)
            for entry in entries[:3]:
                name = entry.answers.get("title_name") or "（未填职称名称）"
                for key, what in (("obtained_on", "取得"), ("appointed_on", "受聘")):
                    value = entry.answers.get(key)
                    if isinstance(value, str) and len(value) == 10:
                        years = full_years(date.fromisoformat(value), year)
                        lines.append(f"{name}：截至 {cutoff.year}年12月31日，{what}已满 {years} 年")
        self.extra.setText("\n".join(lines))
        self.extra.setVisible(bool(lines))


class AnnualReviewPage(TablePage):
    """年度考核情况（近五年）: the five years before the declaration year are listed for the person."""

    def load(self) -> None:
        years = prelist_annual_reviews(self.session.services, self.session.app_id)
        if years:
            self.session.changed()
        super().load()
        if years:
            self.extra.setText(
                f"已按申报年度列出 {years[0]}—{years[-1]} 年，请逐年编辑，填写考核结果和考核单位。"
            )
            self.extra.setVisible(True)


SPECIAL_PAGES = {"cover": CoverPage, "current_title": CurrentTitlePage, "annual_review": AnnualReviewPage}
