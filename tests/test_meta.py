"""Meta tags: description, canonical URL, Open Graph and Twitter cards."""

import datetime
import io

from html.parser import HTMLParser

from django.core.files.images import ImageFile
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from PIL import Image as PILImage
from wagtail.test.utils import WagtailPageTestCase

from tests.utils import (
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
)


class HeadParser(HTMLParser):
    """Collects the <meta> and <link rel="canonical"> tags of a page."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.canonical = []
        self.titles = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles.append(data)


def parse_head(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


class MetaTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.index = make_condition_index(
            cls.home, intro="<p>Conditions <b>we</b> treat &amp; how.</p>"
        )
        cls.image = make_image()
        cls.article = make_condition_page(
            cls.index,
            slug="back-pain",
            seo_title="Massage for back pain",
            search_description="How massage eases back pain, from our therapists.",
            hero_image=cls.image,
            hero_image_alt="A therapist massaging a lower back",
        )
        cls.article.save_revision().publish()

    def meta(self, page, params=None):
        return parse_head(self.client.get(page.url, params or {}))

    def one(self, head, key):
        values = head.meta.get(key, [])
        self.assertEqual(len(values), 1, f"{key}: {values}")
        return values[0]


class TestArticleMeta(MetaTestCase):
    def test_title_description_and_canonical_url(self):
        head = self.meta(self.article)
        url = self.article.get_full_url()
        self.assertEqual(head.canonical, [url])
        self.assertEqual(
            self.one(head, "description"),
            "How massage eases back pain, from our therapists.",
        )
        self.assertEqual(self.one(head, "og:url"), url)
        self.assertEqual(self.one(head, "og:title"), "Massage for back pain")
        self.assertEqual(
            self.one(head, "og:description"),
            "How massage eases back pain, from our therapists.",
        )
        self.assertEqual(self.one(head, "og:type"), "article")
        self.assertEqual(self.one(head, "og:site_name"), "wagtail-clinic tests")
        self.assertEqual(self.one(head, "twitter:title"), "Massage for back pain")

    def test_image_is_the_hero_rendition_with_its_size(self):
        head = self.meta(self.article)
        rendition = self.image.get_rendition("fill-1200x600")
        self.assertEqual(self.one(head, "og:image"), f"http://localhost{rendition.url}")
        self.assertEqual(self.one(head, "og:image:width"), str(rendition.width))
        self.assertEqual(self.one(head, "og:image:height"), str(rendition.height))
        self.assertEqual(
            self.one(head, "og:image:alt"), "A therapist massaging a lower back"
        )
        self.assertEqual(self.one(head, "twitter:card"), "summary_large_image")
        self.assertEqual(
            self.one(head, "twitter:image"), f"http://localhost{rendition.url}"
        )

    def test_article_times(self):
        self.article.refresh_from_db()
        head = self.meta(self.article)
        modified = datetime.datetime.fromisoformat(
            self.one(head, "article:modified_time")
        )
        published = datetime.datetime.fromisoformat(
            self.one(head, "article:published_time")
        )
        self.assertEqual(modified, self.article.last_published_at)
        self.assertEqual(published, self.article.first_published_at)

    def test_values_are_escaped(self):
        self.article.seo_title = 'Back pain "quoted" <b>'
        self.article.save_revision().publish()
        response = self.client.get(self.article.url)
        self.assertContains(
            response,
            '<meta property="og:title" content="Back pain &quot;quoted&quot; &lt;b&gt;">',
        )


class TestFallbacks(MetaTestCase):
    def test_title_falls_back_to_the_page_title(self):
        page = make_condition_page(self.index, title="Neck pain", slug="neck-pain")
        head = self.meta(page)
        self.assertEqual(self.one(head, "og:title"), "Neck pain")
        self.assertEqual(self.one(head, "twitter:title"), "Neck pain")

    def test_description_falls_back_to_the_lede(self):
        page = make_condition_page(
            self.index, title="Neck pain", slug="neck-pain", intro="Why necks hurt."
        )
        head = self.meta(page)
        self.assertEqual(self.one(head, "description"), "Why necks hurt.")
        self.assertEqual(self.one(head, "og:description"), "Why necks hurt.")
        self.assertEqual(self.one(head, "twitter:description"), "Why necks hurt.")

    def test_description_of_a_rich_text_intro_is_plain_text(self):
        head = self.meta(self.index)
        self.assertEqual(self.one(head, "description"), "Conditions we treat & how.")

    def test_massage_type_summary_is_its_description(self):
        massage_index = make_massage_type_index(self.home)
        page = make_massage_type(massage_index, summary="Firm pressure.")
        head = self.meta(page)
        self.assertEqual(self.one(head, "og:description"), "Firm pressure.")
        self.assertEqual(self.one(head, "og:type"), "article")

    def test_image_is_optional(self):
        page = make_condition_page(self.index, title="Neck pain", slug="neck-pain")
        head = self.meta(page)
        for key in ("og:image", "og:image:width", "twitter:image"):
            self.assertNotIn(key, head.meta)
        self.assertEqual(self.one(head, "twitter:card"), "summary")

    def test_index_pages_are_websites(self):
        head = self.meta(self.index)
        self.assertEqual(self.one(head, "og:type"), "website")
        self.assertNotIn("article:modified_time", head.meta)

    def test_later_pages_of_a_list_are_canonical_on_their_own(self):
        head = self.meta(self.index, {"page": "2"})
        self.assertEqual(head.canonical, [f"{self.index.get_full_url()}?page=2"])
        head = self.meta(self.index, {"page": "1", "condition": "x"})
        self.assertEqual(head.canonical, [self.index.get_full_url()])

    def test_no_page_renders_nothing(self):
        html = Template('{% include "wagtail_clinic/includes/meta.html" %}').render(
            Context({"request": RequestFactory().get("/")})
        )
        self.assertEqual(html.strip(), "")

    @override_settings(USE_THOUSAND_SEPARATOR=True)
    def test_sizes_are_not_localised(self):
        buffer = io.BytesIO()
        PILImage.new("RGB", (2400, 1200), "steelblue").save(buffer, "PNG")
        image = make_image(file=ImageFile(buffer, name="large.png"))
        page = make_condition_page(
            self.index, title="Hip pain", slug="hip-pain", hero_image=image
        )
        head = self.meta(page)
        self.assertEqual(self.one(head, "og:image:width"), "1200")
        self.assertEqual(self.one(head, "og:image:height"), "600")
