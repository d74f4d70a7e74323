"""One account per username up to case and Unicode variants; no mixed-script look-alikes (races: e2e)."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "Canciones-2026"
SINGLE_SCRIPT = ["Андрей", "José", "渡辺", "山田タロウ", "Ελένη", "Łukasz", "김민준", "Вася_2", "ana.b-1@x"]
SAME_KEY = [("ANA", "ana"), ("ａｎａ", "ana"), ("ÁNA", "ána"), ("Straße", "STRASSE"), ("ﬁ", "FI")]
SAME_KEY += [("Ana", variant) for variant in ["ana", "ANA", "ａｎａ", "Ａｎａ", "Ana ", " aNa"]]
LOOK_ALIKES = [("Ana", look_alike) for look_alike in ["аna", "pаypal", "Vasya_Вася", "Josef_Ω", "аdmin"]]
KEY_CASES = [(a, b, "Ya existe") for a, b in SAME_KEY] + [(a, b, "alfabeto") for a, b in LOOK_ALIKES]
KEY_CASES += [("ana", "ána", None), ("ana", "ana2", None)]
WELCOME = [*((name, name) for name in SINGLE_SCRIPT), ("ＡＮＡ", "ANA")]  # stored as typed, in NFKC


def register(username):
    return APIClient().post("/register", {"username": username, "password": PASSWORD}, format="json")


@pytest.mark.parametrize(("a", "b", "word"), KEY_CASES)
def test_one_account_per_name_up_to_case_and_width_and_no_look_alikes(a, b, word, django_user_model):
    assert register(a).status_code == 201
    response = register(b)
    if word is None:  # nothing else is the same name
        assert response.status_code == 201
    else:
        assert response.status_code == 400 and response.json()["error"] == "Datos no válidos."
        assert word in response.json()["detalle"]["username"][0], response.json()
        assert django_user_model.objects.count() == 1


@pytest.mark.parametrize(("name", "stored"), WELCOME)
def test_single_script_names_in_any_alphabet_are_welcome_stored_in_nfkc(name, stored, django_user_model):
    response = register(name)
    assert response.status_code == 201, response.content
    assert response.json()["username"] == django_user_model.objects.get().username == stored


def test_a_name_that_nfkc_makes_too_long_is_a_400_not_a_500():
    assert register("\ufdfa" * 10).status_code == 400  # one letter, 18 with spaces once normalised


@pytest.mark.parametrize("typed", ["ana", "ANA", "Ana", "ａｎａ"])
def test_every_login_accepts_any_case_or_width_variant(typed, django_user_model):
    user = django_user_model.objects.create_user("Ana", password=PASSWORD, is_staff=True)
    client = APIClient()
    response = client.post("/login", {"username": typed, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert client.get("/me").json() == {"id": user.id, "username": "Ana"}
    assert authenticate(username=typed, password=PASSWORD) == user
    look_alike = client.post("/login", {"username": "Аna", "password": PASSWORD}, format="json")  # Cyrillic А
    assert look_alike.status_code == 401
    for form in ("/admin/login/", "/api-auth/login/"):
        browser = Client()
        assert browser.post(form, {"username": typed, "password": PASSWORD}).status_code == 302, form
        assert browser.session.get("_auth_user_id"), form


def test_the_admin_form_and_renaming_fill_the_key_and_refuse_variants_and_look_alikes(django_user_model, ana):
    browser = Client()
    browser.force_login(django_user_model.objects.create_superuser("admin", password="Admin-2026-ok"))

    def add(username):
        form = {"username": username, "password1": "Canciones-2026-x", "password2": "Canciones-2026-x"}
        return browser.post("/admin/accounts/user/add/", {**form, "usable_password": "true"})

    for refused in ("ANA", "ａｎａ", "pаypal"):
        response = add(refused)  # the form again, with its error; not a 500
        assert response.status_code == 200 and response.context["adminform"].form.errors["username"], refused
    assert add("Bea").status_code == 302
    assert django_user_model.objects.get(username="Bea").username_key == "bea"
    ana.username = "Bruno"
    ana.save(update_fields=["username"])
    ana.refresh_from_db()
    assert ana.username_key == "bruno"


def test_createsuperuser_fills_the_key_and_refuses_a_variant_of_a_taken_name(django_user_model, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "Raíz")
    assert django_user_model.objects.get_by_natural_key("RAÍZ").username_key == "raíz"
    with pytest.raises(CommandError, match=r"already taken|ya existe|ya está"):
        call_command("createsuperuser", "--noinput", "--username", "raíz")
