"""The feedback pages: the participant's (``respond``), the organisers' (``organise``) and
the trainers' (``trainer``)."""
