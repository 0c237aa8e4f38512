"""Tracking forms: progress reports with their target values, evidence, cycles."""

from __future__ import annotations

import math
from typing import Any

from django import forms

from fazhi_web.plans.models import Target
from fazhi_web.uploads import safe_name

from .models import CycleFrequency, Progress


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)
    progress = forms.ChoiceField(label="进展状态", choices=Progress.choices)
    done = forms.CharField(label="工作进展", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=10000)
    problems = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=5000)
    next_steps = forms.CharField(label="下步打算", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 max_length=5000)

    def __init__(self, *args: Any, targets: list[Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        for target in targets:
            self.fields[f"target_{target.pk}"] = forms.CharField(
                label=f"{target.metric}（目标：{target.text}）", required=False, max_length=30,
                help_text=f"填写数值{('，单位：' + target.unit) if target.unit else ''}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values: dict[int, float] = {}
        for target in self.targets:
            raw = (data.get(f"target_{target.pk}") or "").strip().rstrip("%％").strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                self.add_error(f"target_{target.pk}", f"“{raw}”不是数字，请只填写数值")
                continue
            if not math.isfinite(value) or value < 0 or (target.unit in ("%", "％") and value > 100):
                self.add_error(f"target_{target.pk}", "数值超出范围" + ("（百分比须在 0—100 之间）" if target.unit in ("%", "％") else "（不能为负数）"))
                continue
            values[target.pk] = value
        data["values"] = values
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料", help_text="PDF、PNG/JPG 图片、Word (.docx) 或 Excel (.xlsx)，每个不超过 20 MB")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload.name = safe_name(upload.name)  # no folders, control characters or quotes in what is stored and shown
        return upload


class CycleForm(forms.Form):
    frequency = forms.ChoiceField(label="报送频次", choices=CycleFrequency.choices, initial="quarterly")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    due_days = forms.IntegerField(label="周期结束后几天内报送", min_value=0, max_value=60, initial=5)


class ExtensionForm(forms.Form):
    requested_due = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OrderForm(forms.Form):
    reason = forms.CharField(label="督办事由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    reply_due = forms.DateField(label="回复期限", widget=forms.DateInput(attrs={"type": "date"}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label="回复", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
