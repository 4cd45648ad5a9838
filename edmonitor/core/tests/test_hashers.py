"""Passwords are hashed with Argon2id at OWASP's recommended parameters; older hashes still work and are renewed."""

from __future__ import annotations

import argon2
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.test import RequestFactory, TestCase

from edmonitor.testing import make_user


class PasswordHashTests(TestCase):
    def test_a_new_password_is_hashed_with_argon2id_at_19_mib_2_iterations_1_lane(self) -> None:
        encoded = make_password("een lang wachtwoord")
        # Django's format: argon2$<argon2's own encoding>; read the parameters with argon2-cffi, not our code
        parameters = argon2.extract_parameters("$" + encoded.split("$", 1)[1])
        self.assertEqual(parameters.type, argon2.Type.ID)
        self.assertEqual((parameters.memory_cost, parameters.time_cost, parameters.parallelism), (19456, 2, 1))

    def test_a_hash_with_djangos_default_parameters_still_logs_in_and_is_renewed(self) -> None:
        user = make_user("oud")
        old = Argon2PasswordHasher().encode("een lang wachtwoord", Argon2PasswordHasher().salt())
        self.assertEqual(argon2.extract_parameters("$" + old.split("$", 1)[1]).memory_cost, 102400)
        user.password = old
        user.save(update_fields=["password"])
        request = RequestFactory().post("/login/")
        self.assertEqual(authenticate(request, username="oud", password="een lang wachtwoord"), user)
        user.refresh_from_db()
        self.assertNotEqual(user.password, old)
        self.assertEqual(argon2.extract_parameters("$" + user.password.split("$", 1)[1]).memory_cost, 19456)
        self.assertEqual(identify_hasher(user.password).algorithm, "argon2")
