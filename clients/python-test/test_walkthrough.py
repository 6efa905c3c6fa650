"""The walk-through of README.md with the generated Python client, against
the real server at PARRAIN_URL with the secret key PARRAIN_SK (clients/test
starts one)."""

import io
import os
import unittest
from urllib.parse import parse_qs, urlparse

import httpx

from parrain_client import AuthenticatedClient
from parrain_client.api.activities import list_activities
from parrain_client.api.offers import approve_offer, create_offer, put_promo_codes
from parrain_client.api.participants import get_participant, sign_up
from parrain_client.models import (
    EmailTemplate,
    Emails,
    Goal,
    GoalType,
    NewParticipantOut,
    OfferOut,
    OfferSettings,
    OfferStatus,
    ParticipantDetailOut,
    PromoCountsOut,
    SignUpIn,
)
from parrain_client.types import File


class Walkthrough(unittest.TestCase):
    def test_an_offer_from_creation_to_a_fulfilled_referrer(self):
        base = os.environ["PARRAIN_URL"]
        api = AuthenticatedClient(base_url=base, token=os.environ["PARRAIN_SK"])

        # 1. An offer: two referred sign-ups earn a promo code, sent by email.
        created = create_offer.sync_detailed(
            client=api,
            body=OfferSettings(
                name="Spring referral",
                goal=Goal(type_=GoalType.REFERRED_SIGNUPS, count=2),
                offer_page_url="https://shop.example.com/refer",
                emails=Emails(
                    fulfillment=EmailTemplate(
                        subject="Your reward",
                        text="Thanks {{ first_name }}! Your code: {{ promo_code }}",
                    )
                ),
            ),
        )
        self.assertEqual(created.status_code, 201, created.content)
        offer = created.parsed
        self.assertIsInstance(offer, OfferOut)
        self.assertEqual(offer.status, OfferStatus.DRAFT)

        # 2. Promo codes, one per line; then make the offer live.
        codes = put_promo_codes.sync(
            offer.id, client=api, body=File(payload=io.BytesIO(b"SPRING-001\nSPRING-002\n"))
        )
        self.assertIsInstance(codes, PromoCountsOut, codes)
        self.assertEqual(codes.available, 2)
        approved = approve_offer.sync(offer.id, client=api)
        self.assertIsInstance(approved, OfferOut, approved)
        self.assertEqual(approved.status, OfferStatus.APPROVED)
        self.assertTrue(approved.is_live)

        # 3. Ana signs up and gets her share link.
        ana = sign_up.sync_detailed(
            offer.id, client=api, body=SignUpIn(email="ana@example.com", first_name="Ana")
        )
        self.assertEqual(ana.status_code, 201, ana.content)
        # A secret key sees the whole participant, and a new one comes with its token.
        self.assertIsInstance(ana.parsed, NewParticipantOut)
        self.assertTrue(ana.parsed.participant_token)
        code, share_url = ana.parsed.code, ana.parsed.share_url
        self.assertEqual(share_url, f"{base}/r/{code}")

        # 4. A friend follows the link (a 302 to the offer page with parrain_vid) …
        click = httpx.get(share_url, follow_redirects=False)
        self.assertEqual(click.status_code, 302)
        visitor = parse_qs(urlparse(click.headers["location"]).query)["parrain_vid"][0]
        # … and signs up from that browser. A second friend signs up with Ana's code.
        bob = sign_up.sync_detailed(
            offer.id, client=api, body=SignUpIn(email="bob@example.com", visitor_id=visitor)
        )
        self.assertEqual(bob.status_code, 201, bob.content)
        cid = sign_up.sync_detailed(
            offer.id, client=api, body=SignUpIn(email="cid@example.com", referral_code=code)
        )
        self.assertEqual(cid.status_code, 201, cid.content)

        # 5. Ana reached the goal: fulfilled, with a promo code.
        detail = get_participant.sync(ana.parsed.id, client=api)
        self.assertIsInstance(detail, ParticipantDetailOut, detail)
        self.assertEqual(detail.credit, 2)
        self.assertTrue(detail.progress.achieved)
        self.assertTrue(detail.progress.fulfilled)
        self.assertEqual(detail.promo_code, "SPRING-001")
        self.assertEqual(sorted(f.email for f in detail.friends), ["bob@example.com", "cid@example.com"])

        log = list_activities.sync(client=api, offer_id=offer.id)
        types = [a.type_ for a in log.data]
        for expected in ["clicks_shared_link", "achieved_goal_in_referral", "offer_fulfilled"]:
            self.assertIn(expected, types)


if __name__ == "__main__":
    unittest.main()
