"""The people of a jurisdiction: who reports, approves and administers; the office adds them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import access, actions
from ..forms import PersonForm
from ..models import Membership


@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    place = access.get_jurisdiction_for_user(request.user, pk, manage=True)
    form = PersonForm(request.POST or None, jurisdiction=place)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_person(jurisdiction=place, username=data["username"], full_name=data["full_name"],
                               role=data["role"], unit=data["unit"], password=data["password"], user=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已添加“{data['full_name'] or data['username']}”。请把初始密码告知本人，并提醒其登录后修改。")
            return redirect("people", pk=place.pk)
    members = Membership.objects.filter(jurisdiction=place).select_related("user", "unit").order_by("role", "unit__name")
    return render(request, "plans/people.html", {"place": place, "members": members, "form": form},
                  status=400 if form.errors else 200)
