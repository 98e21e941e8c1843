"""Contact-centre platforms: KPI counts from Genesys Cloud and Amazon Connect.

Everything platform-specific lives here, so the scorecards app never learns a vendor's
JSON: pure parsers turn a platform's response into ``IntervalCounts`` (``counts.py``,
``genesys_cloud.py``, ``amazon_connect.py``, looked up by format in ``parsers.py``),
connectors fetch those responses on a schedule (``connectors/``, configured per vendor by
``models.PlatformConnection``), and ``services.platform_pull`` ties the two together.
"""
