"""What a stored StreamField value chooses, read from its raw JSON (layer 3).

Saving an article records facts about its body in the database (the massage
types it chooses, its unsourced key facts) so that listings and reports query
columns instead of loading every body. Those facts are read here from the
stream's raw data, walked with the block definitions: no block is converted
and no chosen object is loaded, so reading them costs no query.
"""

from wagtail import blocks


__all__ = ["chosen_ids"]


def _walk(block, raw, wanted, found, within, inside):
    if raw is None:
        return
    inside = inside or within is None or isinstance(block, within)
    if isinstance(block, wanted):
        if inside:
            found.add(raw)
        return
    rest = (wanted, found, within, inside)
    if isinstance(block, blocks.StreamBlock):
        for child in raw if isinstance(raw, list) else ():
            if isinstance(child, dict) and child.get("type") in block.child_blocks:
                _walk(
                    block.child_blocks[child["type"]],
                    child.get("value"),
                    *rest,
                )
    elif isinstance(block, blocks.ListBlock):
        for item in raw if isinstance(raw, list) else ():
            # Wagtail's list format ({"type": "item", "value": ...}) or the
            # older one (the values themselves).
            if (
                isinstance(item, dict)
                and item.get("type") == "item"
                and "value" in item
            ):
                item = item["value"]
            _walk(block.child_block, item, *rest)
    elif isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        for name, child in block.child_blocks.items():
            _walk(child, raw.get(name), *rest)


def chosen_ids(stream_value, block_class, within=None):
    """The raw values (ids) chosen by every ``block_class`` block in ``stream_value``.

    ``stream_value`` is a ``StreamValue`` (e.g. ``page.body``); nested
    stream, list and struct blocks are searched too; with ``within`` (a
    block class), only ``block_class`` blocks inside such a block count.
    Returns a set of ints (values that are not whole numbers are left out).

    Example: ``chosen_ids(article.body, MassageTypeChooserBlock,
    within=MassageTypesBlock)`` is the set of massage type page ids the
    article's "Massage types" sections choose (not its booking buttons).
    """
    found = set()
    raw = getattr(stream_value, "raw_data", None)
    stream_block = getattr(stream_value, "stream_block", None)
    if raw is None or stream_block is None:
        return found
    _walk(stream_block, list(raw), block_class, found, within, False)
    ids = set()
    for value in found:
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.add(int(value))
    return ids
