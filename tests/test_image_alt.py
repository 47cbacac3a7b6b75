"""A page's image alt text is an optional override of the image's own alt text.

The image's description (set once in Images) is the default everywhere a
page's hero or massage type image is shown: the HTML ``<img>`` (page and
cards), ``og:image:alt``, the JSON-LD ``ImageObject`` and the API's image
``alt``. The page's own alt field wins when set; with neither, the image is
decorative (alt="") and its title (often a file name) is never used.
"""

import html as html_lib
import json
import re

from django.core.cache import cache
from django.test import TestCase

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)
from wagtail_clinic.serialisation.representations import image_alt_text


DESCRIPTION = "A therapist working on a patient's lower back"
OVERRIDE = "Massage of the lower back, seen from the side"


def json_ld_images(html):
    """The ``ImageObject`` descriptions in the page's JSON-LD."""
    found = []
    for script in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    ):
        data = json.loads(script)
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get("@type") == "ImageObject":
                    found.append(item.get("description"))
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return found


def img_alts(html, css_class):
    """The (unescaped) alt texts of the ``<img>`` elements with ``css_class``."""
    return [
        html_lib.unescape(re.search(r'alt="([^"]*)"', tag).group(1))
        for tag in re.findall(r"<img [^>]*>", html)
        if f'class="{css_class}"' in tag
    ]


def meta_content(html, prop):
    """The (unescaped) content of ``<meta property=prop>``, or None."""
    match = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return html_lib.unescape(match.group(1)) if match else None


class TestImageAltText(TestCase):
    @classmethod
    def setUpTestData(cls):
        _root, home = make_site_tree()
        cls.image = make_image(title="IMG_1234.png", description=DESCRIPTION)
        cls.bare = make_image(title="IMG_5678.png")
        cls.conditions = make_condition_index(home)
        cls.article = make_condition_page(
            cls.conditions, hero_image=cls.image, hero_image_alt=""
        )
        cls.massage_types = make_massage_type_index(home)
        cls.massage_type = make_massage_type(
            cls.massage_types, image=cls.image, image_alt=""
        )

    def setUp(self):
        cache.clear()

    def html(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def api(self, page):
        response = self.client.get(f"/api/v3/pages/{page.pk}/")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def set_alt(self, page, field, value, image=None):
        setattr(page, field, value)
        if image is not None:
            setattr(page, field.removesuffix("_alt"), image)
        page.save_revision().publish()

    def assertAltEverywhere(self, alt):
        """The article, its card, its meta tags, JSON-LD and API agree on ``alt``."""
        html = self.html(self.article.url)
        self.assertEqual(img_alts(html, "clinic-hero__image"), [alt])
        self.assertEqual(meta_content(html, "og:image:alt"), alt or None)
        # JSON-LD leaves an empty description out.
        self.assertEqual(json_ld_images(html), [alt or None])
        self.assertEqual(self.api(self.article)["hero_image"]["alt"], alt)
        cards = self.html(self.conditions.url)
        self.assertEqual(img_alts(cards, "clinic-card__image"), [alt])

    def test_the_image_description_is_the_default(self):
        self.assertAltEverywhere(DESCRIPTION)

    def test_the_page_override_wins(self):
        self.set_alt(self.article, "hero_image_alt", OVERRIDE)
        self.assertAltEverywhere(OVERRIDE)

    def test_neither_set_means_decorative_never_the_title(self):
        self.set_alt(self.article, "hero_image_alt", "", image=self.bare)
        self.assertAltEverywhere("")
        self.assertNotIn("IMG_5678", self.html(self.article.url))

    def test_massage_type_image_uses_the_description_then_the_override(self):
        html = self.html(self.massage_type.url)
        self.assertEqual(img_alts(html, "clinic-hero__image"), [DESCRIPTION])
        self.assertEqual(self.api(self.massage_type)["image"]["alt"], DESCRIPTION)
        cards = self.html(self.massage_types.url)
        self.assertEqual(img_alts(cards, "clinic-card__image"), [DESCRIPTION])

        self.set_alt(self.massage_type, "image_alt", OVERRIDE)
        html = self.html(self.massage_type.url)
        self.assertEqual(img_alts(html, "clinic-hero__image"), [OVERRIDE])
        self.assertEqual(self.api(self.massage_type)["image"]["alt"], OVERRIDE)
        cards = self.html(self.massage_types.url)
        self.assertEqual(img_alts(cards, "clinic-card__image"), [OVERRIDE])

    def test_listing_cards_in_the_api_use_the_description(self):
        response = self.client.get("/api/v3/clinic/conditions/")
        self.assertEqual(response.status_code, 200)
        [card] = response.json()["items"]
        self.assertEqual(card["image"]["alt"], DESCRIPTION)

    def test_image_alt_text(self):
        self.assertEqual(image_alt_text(self.image, " Own words "), "Own words")
        self.assertEqual(image_alt_text(self.image, ""), DESCRIPTION)
        self.assertEqual(image_alt_text(self.image, None), DESCRIPTION)
        self.assertEqual(image_alt_text(self.bare, ""), "")
        self.assertEqual(image_alt_text(None, ""), "")
