"""``wagtail_clinic.conf``: ``AppSettings``, the W004 check; the shim helper."""

import types
import warnings

from django.core import checks
from django.test import SimpleTestCase, override_settings

from wagtail_clinic import conf
from wagtail_clinic._deprecation import forward


class TestAppSettings(SimpleTestCase):
    def test_defaults(self):
        settings = conf.AppSettings()
        self.assertEqual(settings.INDEX_PAGE_SIZE, conf.DEFAULTS["INDEX_PAGE_SIZE"])

    @override_settings(WAGTAIL_CLINIC={"RENDITIONS": {"card": "fill-1x1"}})
    def test_dicts_merge_over_the_defaults(self):
        renditions = conf.AppSettings().RENDITIONS
        self.assertEqual(renditions["card"], "fill-1x1")
        self.assertEqual(renditions["hero"], conf.DEFAULTS["RENDITIONS"]["hero"])

    def test_override_settings_reloads_the_shared_object(self):
        self.assertIsInstance(conf.clinic_settings, conf.AppSettings)
        with override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 3}):
            self.assertEqual(conf.clinic_settings.INDEX_PAGE_SIZE, 3)
        self.assertEqual(
            conf.clinic_settings.INDEX_PAGE_SIZE, conf.DEFAULTS["INDEX_PAGE_SIZE"]
        )

    def test_unknown_names(self):
        with self.assertRaisesMessage(AttributeError, "Unknown WAGTAIL_CLINIC"):
            conf.clinic_settings.NO_SUCH_SETTING  # noqa: B018
        with self.assertRaises(AttributeError):
            conf.clinic_settings._private  # noqa: B018, SLF001


class TestUnknownKeysCheck(SimpleTestCase):
    @override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 3, "API_CACHE_MAX_AGE": 0})
    def test_known_keys_pass(self):
        self.assertEqual(conf.check_settings(), [])

    @override_settings(WAGTAIL_CLINIC=None)
    def test_no_setting_passes(self):
        self.assertEqual(conf.check_settings(), [])

    @override_settings(
        WAGTAIL_CLINIC={"INDEX_PAGE_SIZ": 3, "ZZZ_UNRELATED": 1, "WEBHOOKS": []}
    )
    def test_unknown_keys_warn(self):
        found = conf.check_settings()
        self.assertEqual([w.id for w in found], ["wagtail_clinic.W004"] * 2)
        self.assertTrue(all(isinstance(w, checks.Warning) for w in found))
        typo, unrelated = found
        self.assertIn("'INDEX_PAGE_SIZ'", typo.msg)
        self.assertEqual(typo.hint, 'Did you mean "INDEX_PAGE_SIZE"?')
        self.assertIn("'ZZZ_UNRELATED'", unrelated.msg)
        self.assertIn("conf.DEFAULTS", unrelated.hint)


class TestForward(SimpleTestCase):
    def setUp(self):
        self.first = types.ModuleType("pkg.first")
        self.first.thing = object()
        self.second = types.ModuleType("pkg.second")
        self.second.other = object()
        self.getattr = forward("pkg.old", (self.first, self.second), ["thing", "other"])

    def test_warns_and_returns_the_same_object(self):
        for name, home in (("thing", self.first), ("other", self.second)):
            with self.subTest(name=name), warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                self.assertIs(self.getattr(name), getattr(home, name))
            self.assertEqual(len(seen), 1)
            self.assertIs(seen[0].category, DeprecationWarning)
            self.assertIn(f"pkg.old.{name}", str(seen[0].message))
            self.assertIn(home.__name__, str(seen[0].message))

    def test_other_names_raise(self):
        with self.assertRaisesMessage(AttributeError, "'pkg.old' has no attribute"):
            self.getattr("missing")

    def test_a_single_module(self):
        getattr_ = forward("pkg.old", self.first, ["thing"])
        with self.assertWarns(DeprecationWarning):
            self.assertIs(getattr_("thing"), self.first.thing)
