"""Forms: what a person may type, checked before any action runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password

from ..uploads import safe_name
from .models import Jurisdiction, Plan, PlanStatus, Role, Unit, UnitGroup


class UploadForm(forms.Form):
    file = forms.FileField(label="方案文件", help_text="Word (.docx)、PDF、网页 (.html)、文本 (.txt) 或 Excel 任务分工表 (.xlsx)，不超过 20 MB")
    revises = forms.ModelChoiceField(label="修订已发布的方案（可选）", queryset=Plan.objects.none(), required=False,
                                     empty_label="— 新方案 —")

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revises"].queryset = Plan.objects.filter(jurisdiction=jurisdiction, status=PlanStatus.PUBLISHED)  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ",".join(settings.FAZHI_UPLOAD_EXTENSIONS)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.FAZHI_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件超过 {settings.FAZHI_MAX_UPLOAD_BYTES // (1024 * 1024)} MB 上限")
        upload.name = safe_name(upload.name)  # no folders, control characters or quotes in what is stored and shown
        return upload


class TaskEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)
    title = forms.CharField(label="标题", required=False, max_length=300)
    text = forms.CharField(label="任务内容", widget=forms.Textarea, max_length=20000)
    lead = forms.CharField(label="牵头单位", required=False, max_length=2000, help_text="多个单位用“、”分隔")
    participating = forms.CharField(label="配合单位", required=False, max_length=4000)
    deadlines = forms.CharField(label="完成时限", required=False, widget=forms.Textarea, max_length=2000,
                                help_text="每行一个，如“2025年底前”“每年3月1日前”“长期坚持”")
    targets = forms.CharField(label="量化指标", required=False, widget=forms.Textarea, max_length=2000,
                              help_text="每行一个，如“审查率达100%”")


class HeadingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)
    title = forms.CharField(label="标题", max_length=300)


class SplitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)
    at = forms.IntegerField(label="从第几个字处拆分", min_value=1, max_value=10**6)


class ResolveForm(forms.Form):
    HOW = [("alias", "对应到已有单位，并记为别名（以后自动识别）"), ("map", "仅本次对应到已有单位"),
           ("create", "新建为单位")]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)
    name = forms.CharField(max_length=100, widget=forms.HiddenInput)
    how = forms.ChoiceField(label="处理方式", choices=HOW, initial="alias")
    target = forms.CharField(label="对应单位", required=False)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction

    def clean_target(self) -> tuple[str, int] | None:
        """"unit:12" or "group:3", and it must belong to this jurisdiction."""
        value = self.cleaned_data.get("target") or ""
        if not value:
            return None
        kind, _, number = value.partition(":")
        model = {"unit": Unit, "group": UnitGroup}.get(kind)
        if model is None or not number.isdecimal() or len(number) > 18 or not model.objects.filter(
                pk=int(number), jurisdiction=self.jurisdiction).exists():
            raise forms.ValidationError("所选单位不属于本行政区划")
        return kind, int(number)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") in ("alias", "map") and not data.get("target"):
            raise forms.ValidationError("请选择要对应的单位")
        return data


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    aliases = forms.CharField(label="别名", required=False, max_length=500, help_text="多个别名用“、”分隔")


class ParentPlanForm(forms.Form):
    """The plan this one carries out: one of the published plans the office may see, or none."""

    parent = forms.ModelChoiceField(label="上级方案", queryset=Plan.objects.none(), required=False,
                                    empty_label="— 无 —",
                                    error_messages={"invalid_choice": "所选方案不存在或您无权查看，请重新选择。"})

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates  # type: ignore[attr-defined]


class AliasForm(forms.Form):
    name = forms.CharField(label="别名", max_length=100)


UNIT_LIST_MAX_BYTES = 5 * 1024 * 1024


class UnitListForm(forms.Form):
    file = forms.FileField(label="单位名录文件", help_text="xlsx 或 csv；第一行为表头：名称、别名、类型（单位/群组）、成员")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件")
        if upload.size > UNIT_LIST_MAX_BYTES:
            raise forms.ValidationError("文件超过 5 MB 上限")
        return upload


class PersonForm(forms.Form):
    username = forms.RegexField(label="用户名", max_length=30, regex=r"^[A-Za-z0-9_.-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和 _ . -"})
    full_name = forms.CharField(label="姓名或称呼", max_length=60, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = forms.ModelChoiceField(label="单位（填报员、审核人必选）", queryset=Unit.objects.none(), required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=10, max_length=128)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(jurisdiction=jurisdiction, is_active=True)  # type: ignore[attr-defined]
        self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.VIEWER]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, unit = data.get("role"), data.get("unit")
        if role in (Role.REPORTER, Role.LEADER) and unit is None:
            raise forms.ValidationError("填报员和审核人须选择所属单位")
        if role == Role.OFFICE:
            data["unit"] = None
        if data.get("password"):
            validate_password(data["password"])
        return data
