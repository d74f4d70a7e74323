"""One account per username up to case and Unicode variants; no mixed-script look-alikes."""

import threading

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import UsernameTaken, user_create
from accounts.usernames import is_mixed_script_confusable, username_key

PASSWORD = "Canciones-2026"


@pytest.fixture
def client():
    return APIClient()


def register(client, username):
    return client.post("/register", {"username": username, "password": PASSWORD}, format="json")


def assert_spanish_400_on_username(response, words):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "detalle"}
    assert body["error"] == "Datos no válidos."
    messages = body["detalle"]["username"]
    assert messages and all(isinstance(m, str) for m in messages)
    assert any(word in messages[0] for word in words), messages


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ana", "ana"), ("ANA", "ana"), ("ａｎａ", "ana"), ("ÁNA", "ána"), ("Straße", "STRASSE"), ("ﬁ", "FI")],
)
def test_the_key_folds_case_and_unicode_width(a, b):
    assert username_key(a) == username_key(b)


@pytest.mark.parametrize(("a", "b"), [("ana", "аna"), ("ana", "ána"), ("ana", "ana2")])
def test_the_key_keeps_different_names_apart(a, b):
    assert username_key(a) != username_key(b)


@pytest.mark.parametrize("variant", ["Ana", "ANA", "ana", "ａｎａ", "Ａｎａ", "Ana ", " aNa"])
@pytest.mark.django_db
def test_every_variant_of_a_taken_name_is_a_spanish_400(client, variant, django_user_model):
    assert register(client, "ana").status_code == 201
    assert_spanish_400_on_username(register(client, variant), ["Ya existe"])
    assert django_user_model.objects.count() == 1


@pytest.mark.parametrize("name", ["аna", "pаypal", "Vasya_Вася", "Josef_Ω", "аdmin"])
@pytest.mark.django_db
def test_mixed_script_look_alikes_are_refused(client, name, django_user_model):
    assert is_mixed_script_confusable(name)
    assert_spanish_400_on_username(register(client, name), ["alfabeto"])
    assert not django_user_model.objects.exists()


@pytest.mark.parametrize(
    "name", ["Андрей", "José", "渡辺", "山田タロウ", "Ελένη", "Łukasz", "김민준", "Вася_2", "ana.b-1@x"]
)
@pytest.mark.django_db
def test_single_script_names_in_any_alphabet_are_welcome(client, name, django_user_model):
    response = register(client, name)
    assert response.status_code == 201, response.content
    assert response.json()["username"] == name  # shown as typed
    user = django_user_model.objects.get(pk=response.json()["id"])
    assert user.username == name
    assert user.username_key == username_key(name)


@pytest.mark.django_db
def test_the_cyrillic_look_alike_does_not_slip_in_beside_the_latin_name(client):
    assert register(client, "ana").status_code == 201
    assert register(client, "аna").status_code == 400


@pytest.mark.django_db
def test_fullwidth_is_stored_in_its_nfkc_form_and_is_no_500(client):
    response = register(client, "ＡＮＡ")
    assert response.status_code == 201
    assert response.json()["username"] == "ANA"


@pytest.mark.django_db
def test_a_name_that_nfkc_makes_too_long_is_a_400_not_a_500(client):
    # U+FDFA is one letter, 18 once NFKC-normalised, and they include spaces.
    assert register(client, "\ufdfa" * 10).status_code == 400


@pytest.mark.parametrize("typed", ["ana", "ANA", "Ana", "ａｎａ"])
@pytest.mark.django_db
def test_login_accepts_any_case_or_width_variant(client, typed, make_user):
    user = make_user("Ana")
    response = client.post("/login", {"username": typed, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert client.get("/me").json() == {"id": user.id, "username": "Ana"}
    assert authenticate(username=typed, password=PASSWORD) == user


@pytest.mark.django_db
def test_login_with_a_look_alike_or_wrong_password_still_fails(client, make_user):
    make_user("ana")
    assert client.post("/login", {"username": "аna", "password": PASSWORD}, format="json").status_code == 401
    assert client.post("/login", {"username": "ANA", "password": "x" * 12}, format="json").status_code == 401


@pytest.mark.django_db
def test_admin_and_browsable_api_logins_accept_any_case(django_user_model):
    django_user_model.objects.create_user("ana", password=PASSWORD, is_staff=True)
    for path in ("/admin/login/", "/api-auth/login/"):
        browser = APIClient(enforce_csrf_checks=False)
        response = browser.post(path, {"username": "ANA", "password": PASSWORD})
        assert response.status_code == 302, (path, response.status_code)
        assert browser.session.get("_auth_user_id"), path


@pytest.mark.django_db
def test_the_service_turns_a_lost_race_into_username_taken(django_user_model):
    user_create(username="ana", password=PASSWORD)
    # The caller's check ran before the other request committed: the unique key still refuses it.
    with pytest.raises(UsernameTaken):
        user_create(username="ＡＮＡ", password=PASSWORD)
    assert django_user_model.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_registration_racing_past_the_check_is_a_400(client, django_user_model, monkeypatch):
    """The check said "free" but another registration committed first: 400, not 500."""
    from accounts import serializers

    monkeypatch.setattr(serializers, "username_taken", lambda **kw: False)
    assert register(client, "ana").status_code == 201
    assert_spanish_400_on_username(register(client, "Ana"), ["Ya existe"])
    assert django_user_model.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_threads_registering_one_name_give_one_account(django_user_model):
    answers = []
    barrier = threading.Barrier(8, timeout=20)

    def one(name):
        try:
            barrier.wait()
            answers.append(register(APIClient(), name).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in ["Coro", "CORO", "coro", "ｃｏｒｏ"] * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [201] + [400] * 7
    assert django_user_model.objects.count() == 1


@pytest.mark.django_db
def test_createsuperuser_path_fills_the_key_and_sees_variants_as_taken(django_user_model):
    admin = django_user_model.objects.create_superuser("Root", password=PASSWORD)
    assert admin.username_key == "root"
    assert django_user_model.objects.get_by_natural_key("ROOT") == admin


@pytest.mark.django_db
def test_model_clean_refuses_a_variant_and_a_look_alike(django_user_model, make_user):
    make_user("ana")
    with pytest.raises(ValidationError) as taken:
        django_user_model(username="ANA", password="x").full_clean()
    assert "username" in taken.value.message_dict
    with pytest.raises(ValidationError) as confusable:
        django_user_model(username="pаypal", password="x").full_clean()
    assert "username" in confusable.value.message_dict


@pytest.mark.django_db
def test_renaming_keeps_the_key_in_step(make_user):
    user = make_user("ana")
    user.username = "Bruno"
    user.save(update_fields=["username"])
    user.refresh_from_db()
    assert user.username_key == "bruno"


@pytest.fixture
def admin_browser(django_user_model):
    from django.test import Client

    browser = Client()
    browser.force_login(django_user_model.objects.create_superuser("admin", password="Admin-2026-ok"))
    return browser


def _admin_add(browser, username):
    return browser.post(
        "/admin/accounts/user/add/",
        {
            "username": username,
            "password1": "Canciones-2026-x",
            "password2": "Canciones-2026-x",
            "usable_password": "true",
        },
    )


@pytest.mark.django_db
def test_the_admin_add_form_fills_the_key_and_refuses_variants_and_look_alikes(
    admin_browser, django_user_model, make_user
):
    make_user("ana")
    for refused in ("ANA", "ａｎａ", "pаypal"):
        response = _admin_add(admin_browser, refused)
        assert response.status_code == 200, refused  # the form again, with its error; not a 500
        assert response.context["adminform"].form.errors["username"], refused
    assert _admin_add(admin_browser, "Bea").status_code == 302
    assert django_user_model.objects.get(username="Bea").username_key == "bea"


@pytest.mark.django_db
def test_createsuperuser_refuses_a_variant_of_a_taken_name(make_user, django_user_model, monkeypatch):
    from django.core.management import CommandError, call_command

    make_user("root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match=r"already taken|ya existe|ya está"):
        call_command("createsuperuser", "--noinput", "--username", "ROOT")
    call_command("createsuperuser", "--noinput", "--username", "Raíz")
    assert django_user_model.objects.get(username="Raíz").username_key == "raíz"
