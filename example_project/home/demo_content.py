"""The demo site's content, kept apart from the code that loads it.

Everything here is fictional: the clinic, its therapist, phone number (555),
addresses and booking link. The health information is general, written for
this demo and deliberately cautious; it is not medical advice.

StreamField bodies are written as the raw JSON an editor's work is stored as:
a list of ``{"type": ..., "value": ...}`` blocks, with list items in
``{"type": "item", "value": ...}`` form. ``load_demo_content`` adds the block
ids and validates every body with the same rules the page editor applies.
"""

import datetime

from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings


def block(block_type, value):
    """One StreamField block."""
    return {"type": block_type, "value": value}


def items(*values):
    """The value of a ListBlock."""
    return [{"type": "item", "value": value} for value in values]


def heading(text, level, anchor):
    return block("heading", {"text": text, "level": str(level), "anchor": anchor})


def paragraph(html):
    return block("paragraph", html)


# Site, home page and people --------------------------------------------------


def site_address(base_url):
    """``(hostname, port)`` of ``base_url``, e.g. ``("127.0.0.1", 8000)``.

    The demo Site is where the demo is served (``WAGTAILADMIN_BASE_URL``, which
    scripts/demo.sh can set from HOST and PORT), so canonical links, Open
    Graph, JSON-LD and API URLs all point there (system check W502).
    """
    parts = urlsplit(base_url or "")
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default_port


_HOSTNAME, _PORT = site_address(getattr(settings, "WAGTAILADMIN_BASE_URL", ""))
SITE = {"hostname": _HOSTNAME, "port": _PORT, "site_name": "Heronstone Massage Therapy"}

ADMIN = {"username": "admin", "password": "changeme", "email": "admin@example.com"}

HOME_PAGE = {
    "slug": "home",
    "title": "Heronstone Massage Therapy",
    "intro": (
        "<p>Registered massage therapy in Edmonton South. We help you move more "
        "comfortably with <b>hands-on treatment</b>, clear explanations and a plan "
        "that fits your week.</p>"
    ),
}

CLINIC = {
    "name": "Heronstone Massage Therapy",
    "phone": "+1 780 555 0142",
    "email": "frontdesk@example.org",
    "street_address": "2150 Heronstone Way SW, Suite 104",
    "locality": "Edmonton",
    "region": "AB",
    "postal_code": "T6W 0Z9",
    "country": "CA",
    "latitude": Decimal("53.438200"),
    "longitude": Decimal("-113.589400"),
    "service_area": "Edmonton South",
    "booking_url": "https://example.com/book",
    "accepting_new_patients": True,
}

# (weekday 1 = Monday, opens, closes)
OPENING_HOURS = [
    (1, datetime.time(9, 0), datetime.time(20, 0)),
    (2, datetime.time(9, 0), datetime.time(20, 0)),
    (3, datetime.time(9, 0), datetime.time(20, 0)),
    (4, datetime.time(9, 0), datetime.time(20, 0)),
    (5, datetime.time(9, 0), datetime.time(17, 0)),
    (6, datetime.time(10, 0), datetime.time(15, 0)),
]

THERAPIST = {
    "name": "Maren Okafor",
    "credentials": "RMT",
    "registration_number": "MT-10427",
    "bio": (
        "Maren has worked as a registered massage therapist for twelve years. "
        "She sees many people whose back and neck pain started with long days "
        "at a desk, and likes to send them home with two or three stretches "
        "they will actually do."
    ),
}

CLINIC_SETTINGS = {
    # Comments are off by default (site-wide and per page): the demo turns
    # them on here and on the reference article, so it shows a comment form.
    "comments_enabled": True,
    "default_disclaimer": (
        "This page is general information, not medical advice. Speak with your "
        "doctor before changing your treatment, and tell your therapist about "
        "any health conditions or medications."
    ),
}


# Images: generated in memory (see load_demo_content.make_image) -------------

# key: (title, file name, size, top colour, bottom colour, shape colour, shape)
IMAGES = {
    "back_pain_hero": (
        "Demo: back pain article hero",
        "demo-back-pain-hero.jpg",
        (1600, 800),
        "#d9ece6",
        "#7fb8a4",
        "#f7fbf9",
        "circle",
    ),
    "back_pain_body": (
        "Demo: calm sand and stone",
        "demo-calm-sand.jpg",
        (1440, 960),
        "#f4e8d8",
        "#d1b48c",
        "#fffaf2",
        "ellipse",
    ),
    "deep_tissue": (
        "Demo: deep tissue massage",
        "demo-deep-tissue.jpg",
        (1200, 800),
        "#dce4f2",
        "#6f86b4",
        "#f5f8fd",
        "ellipse",
    ),
    "shiatsu": (
        "Demo: shiatsu and acupressure",
        "demo-shiatsu.jpg",
        (1200, 800),
        "#f3dfe3",
        "#bf7f8f",
        "#fff6f8",
        "dots",
    ),
    "sports": (
        "Demo: sports massage",
        "demo-sports.jpg",
        (1200, 800),
        "#fbe9cf",
        "#e0954a",
        "#fff8ee",
        "circle",
    ),
    "swedish": (
        "Demo: Swedish massage",
        "demo-swedish.jpg",
        (1200, 800),
        "#e3f0f5",
        "#7fb3c9",
        "#f6fbfd",
        "ellipse",
    ),
}


# Section pages -------------------------------------------------------------

CONDITION_INDEX = {
    "slug": "conditions",
    "title": "Conditions",
    "intro": (
        "<p>Plain-language articles about common problems we treat, each checked "
        "by one of our registered massage therapists.</p>"
    ),
}

MASSAGE_TYPE_INDEX = {
    "slug": "massage-types",
    "title": "Massage types",
    "intro": (
        "<p>The kinds of massage our therapists offer. Choose a condition to see "
        "which ones may help.</p>"
    ),
}

APPOINTMENT_PAGE = {
    "slug": "book",
    "title": "Book an appointment",
    "intro": (
        "<p>Tell us which days and times suit you and we will call or email to "
        "confirm an appointment, usually within one working day. Prefer to book "
        "yourself? Use our <b>online booking</b> from any massage type's page.</p>"
    ),
    "thank_you_text": (
        "<p>Thank you! We have your request and will be in touch within one "
        "working day to find a time.</p>"
    ),
    "privacy_notice_version": "2026-01",
}


# Massage types ------------------------------------------------------------

MASSAGE_TYPES = [
    {
        "slug": "deep-tissue-massage",
        "title": "Deep tissue massage",
        "also_known_as": "myofascial release, deep tissue therapy",
        "summary": (
            "Slow, firm pressure that reaches the deeper layers of muscle and the "
            "connective tissue around them. Often chosen for long-standing tightness."
        ),
        "session_lengths": "30, 60, 90",
        "image": "deep_tissue",
        "image_alt": "Abstract illustration: a pale oval on a blue gradient.",
        "body": [
            heading("What to expect", 2, "what-to-expect"),
            paragraph(
                "<p>Your therapist works slowly, using forearms, knuckles or thumbs "
                "to sink into tight areas and hold steady pressure until the tissue "
                "softens. Myofascial release uses gentle, sustained stretches of "
                "the <i>fascia</i>, the thin sheath that wraps every muscle.</p>"
                "<p>The pressure can feel intense, but it should never be more "
                "than you can breathe through comfortably.</p>"
            ),
            block(
                "callout",
                {
                    "tone": "warning",
                    "heading": "Not for everyone",
                    "text": (
                        "<p>Tell your therapist if you take blood thinners, bruise "
                        "easily, are pregnant, or have had recent surgery or an "
                        "injury. They may suggest a lighter technique.</p>"
                    ),
                },
            ),
        ],
    },
    {
        "slug": "shiatsu-and-acupressure",
        "title": "Shiatsu and acupressure",
        "also_known_as": "shiatsu, acupressure, finger pressure massage",
        "summary": (
            "A Japanese style of bodywork that uses rhythmic pressure from fingers, "
            "thumbs and palms on set points of the body, through loose clothing."
        ),
        "session_lengths": "60, 90",
        "image": "shiatsu",
        "image_alt": "Abstract illustration: soft dots on a rose gradient.",
        "body": [
            heading("How it works", 2, "how-it-works"),
            paragraph(
                "<p>Shiatsu grew out of traditional East Asian medicine. You stay "
                "dressed and usually lie on a padded mat while your therapist "
                "leans their weight into a series of points, often combined with "
                "gentle stretches.</p>"
                "<p>Many people find the steady rhythm <b>deeply relaxing</b>. "
                "Research on the points themselves is limited, so we offer it as "
                "a comfort and relaxation treatment rather than a cure.</p>"
            ),
        ],
    },
    {
        "slug": "sports-massage",
        "title": "Sports massage",
        "also_known_as": "athletic massage",
        "summary": (
            "Targeted work for active people that combines massage with stretching, "
            "to prepare for, recover from or keep training around activity."
        ),
        "session_lengths": "30, 45, 60",
        "image": "sports",
        "image_alt": "Abstract illustration: a bright circle on an orange gradient.",
        "body": [
            heading("Who it is for", 2, "who-it-is-for"),
            paragraph(
                "<p>You do not need to be an athlete. Sports massage suits anyone "
                "whose activity, from running to gardening, leaves particular "
                "muscles overworked. Sessions focus on the areas you use most and "
                "usually end with stretches to continue at home.</p>"
            ),
        ],
    },
    {
        "slug": "swedish-massage",
        "title": "Swedish massage",
        "also_known_as": "relaxation massage, classic massage",
        "summary": (
            "Long, flowing strokes with light to moderate pressure. A good choice for "
            "a first massage or for general relaxation."
        ),
        "session_lengths": "30, 60, 90",
        "image": "swedish",
        "image_alt": "Abstract illustration: a pale oval on a sky-blue gradient.",
        "body": [
            heading("What to expect", 2, "what-to-expect"),
            paragraph(
                "<p>Your therapist uses long gliding strokes, gentle kneading and "
                "circular movements, usually with a light oil or lotion. You can "
                "ask for more or less pressure at any time.</p>"
            ),
        ],
    },
]


# The reference article ----------------------------------------------------

BACK_PAIN = {
    "slug": "back-pain",
    "title": "Relief From Pain In The Back: How Massage For Back Pain Works",
    "condition_name": "Back pain",
    "also_known_as": "backache, lumbago, low back pain",
    "intro": (
        "Most of us will live with an aching back at some point. Here is what "
        "registered massage therapy can and cannot do for back pain, the "
        "techniques our therapists use, and how often treatment tends to help."
    ),
    "hero_image": "back_pain_hero",
    "hero_image_alt": "Abstract illustration: a soft white circle on a sage-green gradient.",
    "last_reviewed": datetime.date(2026, 10, 5),
    "next_review_due": datetime.date(2027, 10, 5),
    "comments_enabled": True,
}

# The massage types listed in the article: (slug, description override or "").
BACK_PAIN_MASSAGE_TYPES = [
    (
        "deep-tissue-massage",
        "Slow, sustained pressure reaches the deeper muscles and fascia along the "
        "spine and hips, where long-standing tightness in the lower back often sits.",
    ),
    (
        "shiatsu-and-acupressure",
        "Rhythmic finger and palm pressure helps many people relax deeply, which "
        "in turn eases the muscle guarding that keeps a sore back stiff.",
    ),
    ("sports-massage", ""),
    ("swedish-massage", ""),
]


#: The studies both languages of the back pain article cite (their titles
#: as published, in English).
BACK_PAIN_STUDIES = (
    {
        "title": "Massage for low-back pain",
        "url": "https://doi.org/10.1002/14651858.CD001929.pub3",
        "publisher": "Cochrane Database of Systematic Reviews",
        "year": 2015,
    },
    {
        "title": (
            "Noninvasive treatments for acute, subacute, and chronic "
            "low back pain: a clinical practice guideline"
        ),
        "url": "https://doi.org/10.7326/M16-2367",
        "publisher": "Annals of Internal Medicine",
        "year": 2017,
    },
)


def back_pain_body(*, clinic_name, massage_type_ids, massage_types_index_id, image_id):
    """The article body, given the ids of the pages and image it refers to."""
    return [
        heading("Why backs hurt", 2, "why-backs-hurt"),
        paragraph(
            "<p>Your back is a column of bones, discs, joints and ligaments held "
            "up by many layers of muscle, all working together every time you "
            "sit, lift or turn. Most back pain is <b>mechanical</b>: it comes from "
            "strained muscles, irritated joints or tissues that have stiffened "
            "after long hours at a desk or behind the wheel, rather than from a "
            "serious disease.</p>"
            "<p>Common triggers include:</p>"
            "<ul>"
            "<li>lifting something heavy with a rounded back</li>"
            "<li>sitting or standing in one position for a long time</li>"
            "<li>a sudden jump in activity, such as a weekend of yard work</li>"
            "<li>stress, which keeps the muscles of the shoulders and back tense</li>"
            "</ul>"
        ),
        block(
            "key_fact",
            {
                "value": "85%",
                "statement": (
                    "of adults, by some estimates, will have back pain at some "
                    "point in their lives. Most episodes settle within a few weeks."
                ),
                "source_title": "Demo figure: replace with the source your clinic cites",
                "source_url": "https://example.org/sources/back-pain-prevalence",
            },
        ),
        heading("How massage helps back pain", 2, "how-massage-helps"),
        paragraph(
            "<p>Massage does not realign bones or mend a damaged disc. What it "
            "<i>can</i> do is ease the tension and guarding that build up in the "
            "muscles around a sore area, and calm an overworked nervous system, "
            "so that moving feels safer and hurts less. Clinical guidelines list "
            "massage among the non-drug treatments worth trying for low back "
            "pain, usually alongside staying active (see the "
            '<a href="https://doi.org/10.7326/M16-2367">American College of '
            "Physicians guideline</a>).</p>"
            "<p>Your therapist will choose from the techniques below; you can read "
            f'more about each one in our <a linktype="page" id="{massage_types_index_id}">'
            "guide to massage types</a>.</p>"
        ),
        heading("What a first session looks like", 3, "first-session"),
        paragraph(
            "<ol>"
            "<li>Your therapist asks about your pain, health history and medications.</li>"
            "<li>They watch how you move and find where it hurts.</li>"
            "<li>You agree on a plan together, including how firm the pressure should be.</li>"
            "<li>After the massage, you leave with one or two things to try at home.</li>"
            "</ol>"
        ),
        block(
            "massage_types",
            {
                "heading": "Types of massage for back pain",
                "intro": "Your therapist may combine several of these in one session.",
                "items": items(
                    *(
                        {
                            "page": massage_type_ids[slug],
                            "name": "",
                            "description": text,
                        }
                        for slug, text in BACK_PAIN_MASSAGE_TYPES
                    )
                ),
            },
        ),
        block(
            "benefits",
            {
                "heading": "Benefits of massage for back pain",
                "intro": "Results differ from person to person, but patients often notice:",
                "items": items(
                    {
                        "title": "Less muscle tension",
                        "description": (
                            "Knotted, guarded muscles around the spine soften, which "
                            "often takes the edge off the pain."
                        ),
                    },
                    {
                        "title": "Easier movement",
                        "description": (
                            "Bending, twisting and getting out of a chair can feel "
                            "more comfortable once tight tissue loosens."
                        ),
                    },
                    {
                        "title": "Better sleep",
                        "description": (
                            "Many people find it easier to fall asleep and stay asleep "
                            "when their pain is calmer."
                        ),
                    },
                    {
                        "title": "Lower stress",
                        "description": (
                            "An unhurried hour of hands-on care helps you unwind, and "
                            "stress itself tends to tighten the back."
                        ),
                    },
                    {
                        "title": "Better habits",
                        "description": (
                            "Your therapist can point out how you sit, stand or lift "
                            "in ways that keep irritating your back."
                        ),
                    },
                ),
            },
        ),
        block(
            "frequency",
            {
                "heading": "How often should you get a massage for back pain?",
                "how_often": "Every 2 to 3 weeks",
                "note": (
                    "Many people start with weekly visits for the first few weeks "
                    "while the pain settles, then space them out. Your therapist "
                    "will suggest a schedule based on how you respond."
                ),
            },
        ),
        heading("Choosing a massage therapist", 2, "choosing-a-therapist"),
        paragraph(
            "<p>Look for a <b>registered massage therapist (RMT)</b>. Registered "
            "therapists have completed recognised training, carry liability "
            "insurance and answer to a professional body. Many extended health "
            "plans only cover treatment by a registered therapist. Before you "
            "book, it is fair to ask:</p>"
            "<ul>"
            "<li>whether they often treat back pain like yours</li>"
            "<li>which techniques they would use, and why</li>"
            "<li>whether they can bill your insurance directly</li>"
            "</ul>"
        ),
        block(
            "quote",
            {
                "text": (
                    "I came in barely able to tie my shoes. After a few sessions, "
                    "and the stretches Maren showed me, I was back on my bike."
                ),
                "attribution": "A Heronstone patient, quoted with permission",
            },
        ),
        block(
            "image",
            {
                "image": image_id,
                "decorative": False,
                "alt_text": "Abstract illustration: a pale oval on a warm sand-coloured gradient.",
                "caption": "Steady, gentle pressure helps guarded muscles let go.",
            },
        ),
        block(
            "faq",
            {
                "heading": "Frequently asked questions",
                "items": items(
                    {
                        "question": "Will massage hurt?",
                        "answer": (
                            "<p>You may feel pressure or tenderness in tight spots, "
                            "but it should never be more than you can comfortably "
                            "breathe through. Tell your therapist straight away if "
                            "anything feels too intense.</p>"
                        ),
                    },
                    {
                        "question": "Do I need a doctor's referral?",
                        "answer": (
                            "<p>Not to book with us. Some insurance plans ask for a "
                            "referral before they pay for treatment, so <b>check "
                            "your plan</b> first.</p>"
                        ),
                    },
                    {
                        "question": "When should I see a doctor instead?",
                        "answer": (
                            "<p>Get medical help promptly if your back pain follows "
                            "a fall or accident, or comes with fever, numbness in "
                            "the groin or legs, weakness in a leg, or trouble "
                            "controlling your bladder or bowels, or if it keeps "
                            "getting worse.</p>"
                        ),
                    },
                    {
                        "question": "Is it normal to feel sore afterwards?",
                        "answer": (
                            "<p>Mild soreness for a day or two is common, especially "
                            "after deeper work. Gentle movement and a warm shower "
                            "usually help.</p>"
                        ),
                    },
                ),
            },
        ),
        block(
            "callout",
            {
                "tone": "disclaimer",
                "heading": "A note on medical advice",
                "text": (
                    "<p>This article is general information, not a diagnosis. "
                    "Please speak with your doctor before changing your treatment, "
                    "and tell your massage therapist about any health conditions "
                    "or medications.</p>"
                ),
            },
        ),
        block(
            "booking_cta",
            {
                "heading": "Ready to feel better?",
                "text": (
                    f"Call {clinic_name} right away and take the first step "
                    "towards a calmer back."
                ),
                # The site's default clinic. It accepts new patients, so the
                # block adds "Now booking new appointments!" after the text.
                "clinic": None,
                "action": "call",
                "button_label": "",
                "link_page": None,
                "link_url": "",
            },
        ),
        block(
            "references",
            {
                "heading": "Sources",
                "items": items(
                    {
                        "title": "Low back pain (fact sheet)",
                        "url": "https://www.who.int/news-room/fact-sheets/detail/low-back-pain",
                        "publisher": "World Health Organization",
                        "year": 2023,
                    },
                    *BACK_PAIN_STUDIES,
                ),
            },
        ),
    ]


# A plain page ---------------------------------------------------------------

# A StandardPage: one rich text body. benchmarks/load_test.py compares the
# reference article with it, so it holds about as much text as the article
# (and, like it, a few internal page links).
ABOUT_PAGE = {
    "slug": "about",
    "title": "About the clinic",
}


def about_body(
    *, clinic_name, massage_types_index_id, conditions_index_id, booking_page_id
):
    """The About page's rich text, given the ids of the pages it links to."""
    return (
        "<h2>Who we are</h2>"
        f"<p>{clinic_name} is a small, independent registered massage therapy "
        "clinic in Edmonton South. We opened our doors to help neighbours who "
        "spend long days at desks, on job sites, behind the wheel or chasing "
        "small children move more comfortably, and we still see many of our "
        "very first patients today. We are not a spa: every appointment is a "
        "treatment, planned around what brought you in and what you want to "
        "get back to doing.</p>"
        "<p>Our approach is simple. We listen first, explain what we think is "
        "going on in plain language, agree on a plan with you, and send you home "
        "with one or two things to try between visits. If massage is not the "
        "right fit for your problem, we will say so and suggest who to see "
        "instead.</p>"
        "<h2>Our therapists</h2>"
        "<p>Every therapist at the clinic is a <b>registered massage therapist "
        "(RMT)</b>. That means they have completed recognised training, carry "
        "liability insurance, keep up with continuing education every year and "
        "answer to a professional college that sets standards for safe, ethical "
        "practice. You can ask any of us for our registration number.</p>"
        "<p>Between us we have more than twenty years of experience. Our "
        "therapists have a particular interest in back and neck pain linked to "
        "work and posture, sports and activity injuries, headaches, and the "
        "aches that come with pregnancy and with getting older. Each of us "
        "offers several styles of treatment; read our "
        f'<a linktype="page" id="{massage_types_index_id}">guide to massage '
        "types</a> to see what they involve.</p>"
        "<h2>What we help with</h2>"
        "<p>People come to us for many reasons. Some of the most common are:</p>"
        "<ul>"
        "<li>low back, neck and shoulder pain, often linked to work or posture</li>"
        "<li>tension headaches</li>"
        "<li>stiffness and soreness from sport, running or a new activity</li>"
        "<li>recovery after an injury, alongside your physiotherapist's plan</li>"
        "<li>aches during pregnancy and after giving birth</li>"
        "<li>stress and trouble sleeping</li>"
        "</ul>"
        "<p>Massage works best as one part of your care. With your permission "
        "we are glad to share notes with your doctor, physiotherapist or "
        "chiropractor, and to follow a plan they have started. If anything you "
        "tell us suggests you should see a doctor first, such as pain after a "
        "fall, numbness, weakness, fever or pain that keeps getting worse, we "
        "will tell you so before any treatment.</p>"
        "<h2>Your first visit</h2>"
        "<p>Please arrive about ten minutes early so you can fill in a short "
        "health history form. Your therapist will go through it with you, ask "
        "about your pain or goals, and may watch how you move. Together you "
        "decide which areas to work on and how firm the pressure should be. You "
        "stay covered with a sheet except for the area being treated, and you "
        "can ask to stop or change anything at any time.</p>"
        "<p>To make the most of your appointment:</p>"
        "<ul>"
        "<li>wear or bring comfortable clothing you can move in</li>"
        "<li>bring a list of your medications and any recent test results</li>"
        "<li>tell us about any health conditions, surgeries or injuries, even "
        "old ones</li>"
        "<li>eat a light meal beforehand rather than a heavy one</li>"
        "<li>drink water and move gently afterwards</li>"
        "</ul>"
        "<p>Our plain-language "
        f'<a linktype="page" id="{conditions_index_id}">articles about common '
        "conditions</a> explain what massage can and cannot do for each of "
        "them, and how often treatment tends to help.</p>"
        "<h2>Fees and insurance</h2>"
        "<p>We offer 30, 45, 60 and 90 minute appointments. Longer sessions "
        "suit people who want several areas treated, or who find it takes a "
        "while to relax. Our current fees are posted at the front desk and "
        "given when you book; they include any taxes that apply.</p>"
        "<p>Many extended health plans cover treatment by a registered massage "
        "therapist. We can bill most insurers directly, so you only pay the "
        "part your plan does not cover. Some plans ask for a doctor's referral "
        "before they pay, and most set a yearly maximum, so <b>check your plan "
        "before your visit</b>. We are happy to give you a detailed receipt "
        "for any claim you make yourself.</p>"
        "<h2>Cancellations and late arrivals</h2>"
        "<p>Life happens. If you cannot make your appointment, please give us "
        "at least 24 hours' notice so we can offer the time to someone on our "
        "waiting list. Appointments missed without notice may be charged in "
        "full, and insurers do not cover missed appointments. If you arrive "
        "late we will treat you for the time that remains, so that the next "
        "person is not kept waiting.</p>"
        "<h2>Accessibility</h2>"
        "<p>The clinic is on the ground floor, with a level entrance, a wide "
        "door and an accessible washroom. Our treatment tables are electric "
        "and lower close to the floor, so getting on and off is easier. If "
        "lying face down or on your back is uncomfortable, we can treat you "
        "lying on your side or seated. Tell us when you book if you would "
        "like a longer first appointment, a quieter time of day or a support "
        "person with you in the room.</p>"
        "<h2>Your privacy</h2>"
        "<p>Your health information stays with us. Only the therapists who "
        "treat you and the front desk staff who book your appointments can "
        "see your file, and we never share it without your written consent, "
        "except where the law requires it. You may ask to see your records or "
        "correct them at any time. We keep records for as long as our "
        "professional college requires, then destroy them securely.</p>"
        "<h2>Getting here</h2>"
        "<p>You will find us at Suite 104, 2150 Heronstone Way SW, Edmonton, "
        "just off the main road, with free parking in front of the building "
        "and a bus stop a short walk away. We are open Monday to Thursday from "
        "9 am to 8 pm, Friday from 9 am to 5 pm and Saturday from 10 am to 3 pm, "
        "and closed on Sundays and statutory holidays.</p>"
        "<p>New patients are always welcome, and you do not need a referral to "
        "book with us. Call the front desk on +1 780 555 0142, email "
        "frontdesk@example.org, or "
        f'<a linktype="page" id="{booking_page_id}">request an appointment '
        "online</a> and we will be in touch within one working day.</p>"
    )


# French ---------------------------------------------------------------------
#
# The French tree is made the way an editor makes it with "Translate" in the
# admin (wagtail.contrib.simple_translation): each English page or snippet is
# copied into the French locale (``copy_for_translation``), then the values
# below replace the English text and the copy is published. What is not
# listed here (images, dates, phone numbers, addresses) keeps the English
# page's value. Pages and snippets are matched to their English originals
# by translation key, so their French slugs and names may differ.

FRENCH = "fr"

HOME_PAGE_FR = {
    "title": "Massothérapie Heronstone",
    "intro": (
        "<p>Massothérapie agréée dans le sud d'Edmonton. Nous vous aidons à "
        "bouger plus librement grâce à des <b>soins manuels</b>, des "
        "explications claires et un plan adapté à votre semaine.</p>"
    ),
}

CLINIC_FR = {
    "name": "Massothérapie Heronstone",
    "street_address": "2150 Heronstone Way SW, bureau 104",
    "service_area": "Edmonton-Sud",
}

THERAPIST_FR = {
    "bio": (
        "Maren est massothérapeute agréée depuis douze ans. Elle reçoit "
        "beaucoup de personnes dont les douleurs au dos ou à la nuque ont "
        "commencé par de longues journées au bureau, et aime les renvoyer chez "
        "elles avec deux ou trois étirements qu'elles feront vraiment."
    ),
}

CONDITION_INDEX_FR = {
    "slug": "affections",
    "title": "Affections",
    "intro": (
        "<p>Des articles en langage simple sur les problèmes courants que nous "
        "traitons, chacun relu par un de nos massothérapeutes agréés.</p>"
    ),
}

MASSAGE_TYPE_INDEX_FR = {
    "slug": "types-de-massage",
    "title": "Types de massage",
    "intro": (
        "<p>Les types de massage que proposent nos thérapeutes. Choisissez une "
        "affection pour voir ceux qui peuvent vous soulager.</p>"
    ),
}

# By the English page's slug.
MASSAGE_TYPES_FR = {
    "deep-tissue-massage": {
        "slug": "massage-des-tissus-profonds",
        "title": "Massage des tissus profonds",
        "also_known_as": "relâchement myofascial, massage en profondeur",
        "summary": (
            "Une pression lente et ferme qui atteint les couches profondes des "
            "muscles et les tissus conjonctifs qui les entourent. Souvent choisi "
            "pour des tensions installées depuis longtemps."
        ),
        "image_alt": "Illustration abstraite : un ovale pâle sur un dégradé bleu.",
        "body": [
            heading("À quoi vous attendre", 2, "a-quoi-vous-attendre"),
            paragraph(
                "<p>Votre thérapeute travaille lentement, avec l'avant-bras, les "
                "jointures ou les pouces, pour descendre dans les zones tendues "
                "et maintenir une pression régulière jusqu'à ce que les tissus se "
                "relâchent. Le relâchement myofascial étire doucement et "
                "longuement le <i>fascia</i>, la fine enveloppe qui entoure "
                "chaque muscle.</p>"
                "<p>La pression peut être intense, mais vous devez toujours "
                "pouvoir respirer confortablement.</p>"
            ),
            block(
                "callout",
                {
                    "tone": "warning",
                    "heading": "Pas pour tout le monde",
                    "text": (
                        "<p>Prévenez votre thérapeute si vous prenez des "
                        "anticoagulants, si vous avez facilement des bleus, si "
                        "vous êtes enceinte, ou après une opération ou une "
                        "blessure récente. Une technique plus douce vous "
                        "conviendra peut-être mieux.</p>"
                    ),
                },
            ),
        ],
    },
    "shiatsu-and-acupressure": {
        "slug": "shiatsu-et-acupression",
        "title": "Shiatsu et acupression",
        "also_known_as": "shiatsu, acupression, digitopression",
        "summary": (
            "Une méthode japonaise de soins corporels : une pression rythmée des "
            "doigts, des pouces et des paumes sur des points précis du corps, à "
            "travers des vêtements amples."
        ),
        "image_alt": "Illustration abstraite : des points flous sur un dégradé rose.",
        "body": [
            heading("Comment ça marche", 2, "comment-ca-marche"),
            paragraph(
                "<p>Le shiatsu est issu de la médecine traditionnelle d'Asie de "
                "l'Est. Vous restez habillé, en général allongé sur un tapis "
                "rembourré, pendant que votre thérapeute appuie de tout son poids "
                "sur une série de points, souvent avec de légers étirements.</p>"
                "<p>Beaucoup de gens trouvent ce rythme régulier <b>très "
                "apaisant</b>. Les points eux-mêmes ont été peu étudiés : nous le "
                "proposons donc comme un soin de détente et de confort, pas comme "
                "un remède.</p>"
            ),
        ],
    },
    "sports-massage": {
        "slug": "massage-sportif",
        "title": "Massage sportif",
        "also_known_as": "massage des sportifs",
        "summary": (
            "Un travail ciblé pour les personnes actives, qui associe massage et "
            "étirements pour se préparer à l'effort, récupérer ou continuer à "
            "s'entraîner."
        ),
        "image_alt": "Illustration abstraite : un cercle lumineux sur un dégradé orange.",
        "body": [
            heading("Pour qui ?", 2, "pour-qui"),
            paragraph(
                "<p>Inutile d'être un athlète. Le massage sportif convient à "
                "toute personne dont l'activité, de la course au jardinage, "
                "sollicite trop certains muscles. Les séances se concentrent sur "
                "les zones que vous utilisez le plus et se terminent souvent par "
                "des étirements à poursuivre à la maison.</p>"
            ),
        ],
    },
    "swedish-massage": {
        "slug": "massage-suedois",
        "title": "Massage suédois",
        "also_known_as": "massage de détente, massage classique",
        "summary": (
            "De longs mouvements fluides, avec une pression légère à modérée. Un "
            "bon choix pour un premier massage ou simplement pour se détendre."
        ),
        "image_alt": "Illustration abstraite : un ovale pâle sur un dégradé bleu ciel.",
        "body": [
            heading("À quoi vous attendre", 2, "a-quoi-vous-attendre"),
            paragraph(
                "<p>Votre thérapeute utilise de longs effleurages, un pétrissage "
                "doux et des mouvements circulaires, généralement avec une huile "
                "ou une lotion légère. Vous pouvez demander plus ou moins de "
                "pression à tout moment.</p>"
            ),
        ],
    },
}

BACK_PAIN_FR = {
    "slug": "mal-de-dos",
    "title": "Soulager le mal de dos : comment agit la massothérapie",
    "condition_name": "Mal de dos",
    "also_known_as": "dorsalgie, lumbago, lombalgie",
    "intro": (
        "Presque tout le monde a mal au dos un jour ou l'autre. Voici ce que la "
        "massothérapie peut faire, et ce qu'elle ne peut pas faire, contre le "
        "mal de dos, les techniques qu'utilisent nos thérapeutes et la "
        "fréquence de soins qui aide le plus souvent."
    ),
    "hero_image_alt": (
        "Illustration abstraite : un doux cercle blanc sur un dégradé vert sauge."
    ),
}

# The massage types listed in the French article, by English slug.
BACK_PAIN_MASSAGE_TYPES_FR = [
    (
        "deep-tissue-massage",
        "Une pression lente et soutenue atteint les muscles profonds et le fascia "
        "le long de la colonne et des hanches, là où se logent souvent les "
        "tensions anciennes du bas du dos.",
    ),
    (
        "shiatsu-and-acupressure",
        "La pression rythmée des doigts et des paumes aide beaucoup de gens à se "
        "détendre profondément, ce qui relâche les muscles qui se contractent "
        "pour protéger un dos douloureux.",
    ),
    ("sports-massage", ""),
    ("swedish-massage", ""),
]


def back_pain_body_fr(
    *, clinic_name, massage_type_ids, massage_types_index_id, image_id
):
    """The French article body: ``back_pain_body`` in French, block for block.

    ``massage_type_ids`` and ``massage_types_index_id`` are the French pages.
    """
    return [
        heading("Pourquoi a-t-on mal au dos ?", 2, "pourquoi-mal-au-dos"),
        paragraph(
            "<p>Votre dos est une colonne d'os, de disques, d'articulations et "
            "de ligaments, tenue par de nombreuses couches de muscles qui "
            "travaillent ensemble chaque fois que vous vous asseyez, soulevez "
            "une charge ou vous tournez. La plupart des maux de dos sont "
            "<b>mécaniques</b> : ils viennent de muscles froissés, "
            "d'articulations irritées ou de tissus raidis par de longues heures "
            "au bureau ou au volant, et non d'une maladie grave.</p>"
            "<p>Les déclencheurs les plus courants :</p>"
            "<ul>"
            "<li>soulever quelque chose de lourd en arrondissant le dos</li>"
            "<li>rester longtemps assis ou debout dans la même position</li>"
            "<li>une hausse soudaine d'activité, comme une fin de semaine de "
            "travaux au jardin</li>"
            "<li>le stress, qui garde tendus les muscles des épaules et du dos</li>"
            "</ul>"
        ),
        block(
            "key_fact",
            {
                "value": "85 %",
                "statement": (
                    "des adultes, selon certaines estimations, auront mal au dos "
                    "au cours de leur vie. La plupart des épisodes se calment en "
                    "quelques semaines."
                ),
                "source_title": (
                    "Chiffre de démonstration : remplacez-le par la source que "
                    "cite votre clinique"
                ),
                "source_url": "https://example.org/sources/back-pain-prevalence",
            },
        ),
        heading("Comment le massage soulage le dos", 2, "comment-le-massage-aide"),
        paragraph(
            "<p>Le massage ne remet pas les os en place et ne répare pas un "
            "disque abîmé. Il <i>peut</i> en revanche relâcher la tension et la "
            "crispation qui s'accumulent dans les muscles autour d'une zone "
            "douloureuse, et calmer un système nerveux surmené : bouger paraît "
            "alors plus sûr et fait moins mal. Les recommandations cliniques "
            "citent le massage parmi les traitements sans médicament à essayer "
            "contre la lombalgie, en général en restant actif (voir la "
            '<a href="https://doi.org/10.7326/M16-2367">recommandation de '
            "l'American College of Physicians</a>).</p>"
            "<p>Votre thérapeute choisira parmi les techniques ci-dessous ; "
            "pour en savoir plus sur chacune, lisez notre "
            f'<a linktype="page" id="{massage_types_index_id}">guide des types '
            "de massage</a>.</p>"
        ),
        heading("Comment se passe une première séance", 3, "premiere-seance"),
        paragraph(
            "<ol>"
            "<li>Votre thérapeute vous interroge sur votre douleur, vos "
            "antécédents de santé et vos médicaments.</li>"
            "<li>Votre thérapeute observe vos mouvements et repère où ça fait "
            "mal.</li>"
            "<li>Vous décidez ensemble d'un plan, y compris de la fermeté de la "
            "pression.</li>"
            "<li>Après le massage, vous repartez avec un ou deux exercices à "
            "faire chez vous.</li>"
            "</ol>"
        ),
        block(
            "massage_types",
            {
                "heading": "Les types de massage contre le mal de dos",
                "intro": "Votre thérapeute peut en combiner plusieurs en une séance.",
                "items": items(
                    *(
                        {
                            "page": massage_type_ids[slug],
                            "name": "",
                            "description": text,
                        }
                        for slug, text in BACK_PAIN_MASSAGE_TYPES_FR
                    )
                ),
            },
        ),
        block(
            "benefits",
            {
                "heading": "Les bienfaits du massage pour le dos",
                "intro": (
                    "Les résultats varient d'une personne à l'autre, mais les "
                    "patients remarquent souvent :"
                ),
                "items": items(
                    {
                        "title": "Des muscles moins tendus",
                        "description": (
                            "Les muscles noués et crispés autour de la colonne se "
                            "détendent, ce qui atténue souvent la douleur."
                        ),
                    },
                    {
                        "title": "Des mouvements plus faciles",
                        "description": (
                            "Se pencher, se tourner ou se lever d'une chaise devient "
                            "plus confortable une fois les tissus assouplis."
                        ),
                    },
                    {
                        "title": "Un meilleur sommeil",
                        "description": (
                            "Beaucoup de gens s'endorment plus facilement et dorment "
                            "mieux quand la douleur se calme."
                        ),
                    },
                    {
                        "title": "Moins de stress",
                        "description": (
                            "Une heure de soins sans se presser aide à décompresser, "
                            "et le stress lui-même a tendance à crisper le dos."
                        ),
                    },
                    {
                        "title": "De meilleures habitudes",
                        "description": (
                            "Votre thérapeute peut vous montrer comment votre façon "
                            "de vous asseoir, de vous tenir ou de soulever entretient "
                            "l'irritation de votre dos."
                        ),
                    },
                ),
            },
        ),
        block(
            "frequency",
            {
                "heading": "À quelle fréquence se faire masser pour le mal de dos ?",
                "how_often": "Toutes les 2 à 3 semaines",
                "note": (
                    "Beaucoup de gens commencent par une séance par semaine "
                    "pendant les premières semaines, le temps que la douleur se "
                    "calme, puis les espacent. Votre thérapeute vous proposera un "
                    "rythme selon votre réaction aux soins."
                ),
            },
        ),
        heading("Bien choisir son massothérapeute", 2, "choisir-son-therapeute"),
        paragraph(
            "<p>Choisissez un <b>massothérapeute agréé (RMT)</b>. Les "
            "thérapeutes agréés ont suivi une formation reconnue, sont assurés "
            "en responsabilité civile et relèvent d'un ordre professionnel. "
            "Beaucoup d'assurances complémentaires ne remboursent que les soins "
            "d'un thérapeute agréé. Avant de réserver, vous pouvez lui demander :</p>"
            "<ul>"
            "<li>s'il traite souvent des maux de dos comme le vôtre</li>"
            "<li>quelles techniques il utiliserait, et pourquoi</li>"
            "<li>s'il peut facturer directement votre assureur</li>"
            "</ul>"
        ),
        block(
            "quote",
            {
                "text": (
                    "Je suis arrivé en pouvant à peine lacer mes chaussures. "
                    "Quelques séances plus tard, avec les étirements que Maren "
                    "m'a montrés, je remontais sur mon vélo."
                ),
                "attribution": "Un patient de Heronstone, cité avec sa permission",
            },
        ),
        block(
            "image",
            {
                "image": image_id,
                "decorative": False,
                "alt_text": (
                    "Illustration abstraite : un ovale pâle sur un dégradé couleur "
                    "sable chaud."
                ),
                "caption": (
                    "Une pression douce et régulière aide les muscles crispés à "
                    "lâcher prise."
                ),
            },
        ),
        block(
            "faq",
            {
                "heading": "Questions fréquentes",
                "items": items(
                    {
                        "question": "Le massage fait-il mal ?",
                        "answer": (
                            "<p>Vous sentirez peut-être une pression ou une "
                            "sensibilité sur les points tendus, mais vous devez "
                            "toujours pouvoir respirer confortablement. Dites-le "
                            "tout de suite à votre thérapeute si c'est trop "
                            "intense.</p>"
                        ),
                    },
                    {
                        "question": "Ai-je besoin d'une recommandation médicale ?",
                        "answer": (
                            "<p>Pas pour prendre rendez-vous chez nous. Certaines "
                            "assurances en demandent une avant de rembourser les "
                            "soins : <b>vérifiez votre contrat</b> d'abord.</p>"
                        ),
                    },
                    {
                        "question": "Quand faut-il plutôt consulter un médecin ?",
                        "answer": (
                            "<p>Consultez rapidement si votre mal de dos suit une "
                            "chute ou un accident, s'il s'accompagne de fièvre, "
                            "d'un engourdissement de l'aine ou des jambes, d'une "
                            "faiblesse dans une jambe ou de difficultés à "
                            "contrôler la vessie ou les intestins, ou s'il ne "
                            "cesse de s'aggraver.</p>"
                        ),
                    },
                    {
                        "question": "Est-ce normal d'avoir des courbatures après ?",
                        "answer": (
                            "<p>Une légère sensibilité pendant un jour ou deux est "
                            "fréquente, surtout après un travail en profondeur. "
                            "Bouger doucement et prendre une douche chaude aident "
                            "en général.</p>"
                        ),
                    },
                ),
            },
        ),
        block(
            "callout",
            {
                "tone": "disclaimer",
                "heading": "Une remarque sur les conseils médicaux",
                "text": (
                    "<p>Cet article donne des informations générales, pas un "
                    "diagnostic. Parlez-en à votre médecin avant de modifier "
                    "votre traitement, et informez votre massothérapeute de vos "
                    "problèmes de santé et de vos médicaments.</p>"
                ),
            },
        ),
        block(
            "booking_cta",
            {
                "heading": "Prêt à vous sentir mieux ?",
                "text": (
                    f"Appelez {clinic_name} dès maintenant : c'est le premier pas "
                    "vers un dos plus calme."
                ),
                "clinic": None,
                "action": "call",
                "button_label": "",
                "link_page": None,
                "link_url": "",
            },
        ),
        block(
            "references",
            {
                "heading": "Sources",
                "items": items(
                    {
                        "title": "Lombalgie (aide-mémoire)",
                        "url": "https://www.who.int/fr/news-room/fact-sheets/detail/low-back-pain",
                        "publisher": "Organisation mondiale de la Santé",
                        "year": 2023,
                    },
                    *BACK_PAIN_STUDIES,
                ),
            },
        ),
    ]
