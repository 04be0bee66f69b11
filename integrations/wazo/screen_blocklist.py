# Copyright cidguard contributors. A drop-in for Wazo's wazo_agid/modules/screen_blocklist.py (the AGI called as
# `screen_blocklist,<user_uuid>` before a call reaches a user): the original's steps in its order, asking cidguard
# instead of wazo-confd. Install it over the original and set the three settings below (docs/integrations.md).
#
#   1. An empty CALLERID(num) is not screened (as the original).
#   2. The number becomes E.164 with the user's country (the tenant localization, 'FR' when unset, as the
#      original), by cidguard's normaliser (GET /v1/normalize), the one its decisions and lists use.
#   3. HEAD /users/{user_uuid}/blocklist/numbers?number_exact=<E.164> (wazo-confd's lookup, served by cidguard
#      under the tenant's base path, a tenant key in Wazo's X-Auth-Token): 204 sets WAZO_BLOCKED_NUMBER_UUID from
#      the Wazo-Blocklist-Number-UUID header, 404 lets the call through.
#   4. A request error lets the call through (fails open, as the original).
#
# tests/js/wazo-agi.test.mjs runs this file against the worker, with Wazo's own modules (agid, xivo_dao) stood in.
import logging

import requests
from wazo_agid import agid
from xivo_dao.resources.user import dao as user_dao

logger = logging.getLogger(__name__)

CIDGUARD = 'https://cidguard.example'  # the worker
BASE = CIDGUARD + '/v1/tenants/acme'  # the tenant's base path (wazo-confd's was /1.1)
HEADERS = {'X-Auth-Token': '<a readonly tenant key>'}  # the lookup changes nothing: a readonly key is enough
TIMEOUT = 2  # seconds, per request


def screen_blocklist(agi, cursor, args):
    caller_id_number = agi.get_variable('CALLERID(num)')
    if not caller_id_number:
        return
    if len(args) < 1 or not (user_uuid := args[0]):
        logger.error('user_uuid argument missing')
        return
    country = user_dao.get_by(uuid=user_uuid).country or 'FR'
    try:
        n = requests.get(
            CIDGUARD + '/v1/normalize',
            params={'number': caller_id_number, 'country': country},
            timeout=TIMEOUT,
        )
        n.raise_for_status()
        e164 = n.json().get('e164')
        if not e164:
            logger.error('Failed to screen number %s for user %s: not a number', caller_id_number, user_uuid)
            return
        r = requests.head(
            f'{BASE}/users/{user_uuid}/blocklist/numbers',
            params={'number_exact': e164},
            headers=HEADERS,
            timeout=TIMEOUT,
        )
    except requests.RequestException as ex:
        logger.error('Failed to screen number %s for user %s: %s', caller_id_number, user_uuid, ex)
        return
    if r.status_code == 204:
        agi.set_variable('WAZO_BLOCKED_NUMBER_UUID', r.headers['Wazo-Blocklist-Number-UUID'])
    elif r.status_code != 404:
        logger.error('Failed to screen number %s for user %s: HTTP %s', caller_id_number, user_uuid, r.status_code)


agid.register(screen_blocklist)
