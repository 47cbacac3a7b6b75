"""Reader comments: the form, spam rules, moderation, rendering and notifications.

* ``wagtail_clinic.models.comments`` — the ``ReaderComment`` model;
* ``mixins.CommentsMixin`` — lets a page list its comments and take new ones
  (POST to the page itself; no URLs for the host site to add);
* ``forms`` / ``spam`` / ``service`` — validation, the abuse rules and storing,
  shared by the HTML form and ``wagtail_clinic.api.comments``;
* ``rendering`` — comment text to safe HTML; ``privacy`` — keyed hashes;
* ``viewsets`` / ``bulk_actions`` / ``hooks`` — the moderation queue;
* ``notifications`` — the moderators' email, a background task.

See docs/comments.md.
"""
