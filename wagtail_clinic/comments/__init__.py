"""Reader comments: the model, form, spam rules, moderation, API and notifications.

Imports nothing: each submodule is imported where it is needed.

* ``models`` (layer 4a): ``ReaderComment``, ``CommentStatus``, ``CommentSource``;
* ``mixins.CommentsMixin`` (4b): lets a page list its comments and take new
  ones (POST to the page itself; no URLs for the host site to add);
  ``comment_form_class`` / ``get_comment_form_class()`` choose the form;
* ``forms`` / ``spam`` / ``service`` (4b): validation, the abuse rules and
  storing, shared by the HTML form and ``api``; ``service.comment_received``
  is sent for each stored comment awaiting moderation;
* ``rendering`` — comment text to safe HTML; ``privacy`` — keyed hashes (4b);
* ``api`` (5): the ``router`` of the comment endpoints under ``/api/v3/clinic/``;
* ``viewsets`` / ``bulk_actions`` / ``hooks`` / ``permissions`` (5): the
  moderation queue;
* ``notifications`` (5): the moderators' email, a background task enqueued
  by the receiver ``connect_signals()`` connects.

See docs/comments.md.
"""
