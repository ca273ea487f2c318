"""Sample URL values for the result pages (see tests/test_access.py). The round and unit come from
the other packages' samples (campaign_id, unit_id); these name an indicator and a download format.
tests/results/test_routes.py checks every page against a closed round with answers."""


def samples(world) -> dict:
    return {"indicator_key": "trivsel", "fmt": "csv"}
