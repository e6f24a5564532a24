/* sesame-nat-classify.c
 *
 * Never a stricter answer than the evidence: a test without an answer
 * leaves its part unknown, with a reason, instead of being read as "filtered".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-nat-classify"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-nat-classify.h"

static const char *
no_other_reason (void)
{
  return _("The STUN server does not offer a second address (RFC 5780), so the NAT’s behaviour cannot be tested.");
}

static const char *
other_refused_reason (void)
{
  return _("The STUN server gave a second address (RFC 5780) that is not the same kind of address as its own, such as one in a private range; Sesame did not send anything there, so the NAT’s behaviour cannot be tested.");
}

static SesameNatMapping
classify_mapping (const SesameNatEvidence  *e,
                  gboolean                 *not_independent,
                  const char              **reason)
{
  *not_independent = FALSE;

  if (e->mapped_is_local == SESAME_TRISTATE_YES)
    return SESAME_NAT_MAPPING_NO_NAT;

  if (e->other_address == SESAME_TRISTATE_YES && e->other_address_refused == SESAME_TRISTATE_YES)
    {
      *reason = other_refused_reason ();
      return SESAME_NAT_MAPPING_UNKNOWN;
    }

  if (e->other_address != SESAME_TRISTATE_YES)
    {
      *reason = no_other_reason ();
      return SESAME_NAT_MAPPING_UNKNOWN;
    }

  if (e->same_for_other_ip == SESAME_TRISTATE_UNKNOWN)
    {
      *reason = _("The STUN server’s second address did not answer, so the mapping test is incomplete.");
      return SESAME_NAT_MAPPING_UNKNOWN;
    }

  if (e->same_for_other_ip == SESAME_TRISTATE_YES)
    {
      if (e->same_across_servers == SESAME_TRISTATE_NO)
        {
          *reason = _("Two STUN servers saw different external ports where one server saw the same: the router’s mapping is not consistent.");
          return SESAME_NAT_MAPPING_UNKNOWN;
        }
      return SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT;
    }

  *not_independent = TRUE;

  if (e->same_for_other_port == SESAME_TRISTATE_YES)
    return SESAME_NAT_MAPPING_ADDRESS_DEPENDENT;
  if (e->same_for_other_port == SESAME_TRISTATE_NO)
    return SESAME_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT;

  *reason = _("The router gives each destination its own external port, but the last mapping test got no answer.");
  return SESAME_NAT_MAPPING_UNKNOWN;
}

static SesameNatFiltering
classify_filtering (const SesameNatEvidence  *e,
                    const char              **reason)
{
  if (e->control_reply != SESAME_TRISTATE_YES)
    {
      *reason = _("The filtering test’s control request got no answer, so filtering cannot be judged.");
      return SESAME_NAT_FILTERING_UNKNOWN;
    }

  if (e->other_address_refused == SESAME_TRISTATE_YES)
    {
      *reason = other_refused_reason ();
      return SESAME_NAT_FILTERING_UNKNOWN;
    }

  /* Without a second address no answer can come from elsewhere: silence to
   * a change request says nothing about the filtering */
  if (e->other_address != SESAME_TRISTATE_YES)
    {
      *reason = no_other_reason ();
      return SESAME_NAT_FILTERING_UNKNOWN;
    }

  if (e->change_ip_and_port == SESAME_TRISTATE_YES)
    return SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT;

  if (e->change_ip_and_port == SESAME_TRISTATE_NO)
    {
      if (e->change_port == SESAME_TRISTATE_YES)
        return SESAME_NAT_FILTERING_ADDRESS_DEPENDENT;
      if (e->change_port == SESAME_TRISTATE_NO)
        return SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT;
    }

  *reason = _("The STUN server could not answer from its second address, so filtering cannot be judged.");
  return SESAME_NAT_FILTERING_UNKNOWN;
}

/**
 * sesame_nat_classify:
 * @evidence: what the tests saw
 * @verdict: (out): mapping, filtering and classic name, and a reason when unknown
 */
void
sesame_nat_classify (const SesameNatEvidence *evidence,
                     SesameNatVerdict        *verdict)
{
  const char *mapping_reason = NULL;
  const char *filtering_reason = NULL;
  gboolean not_independent = FALSE;

  g_return_if_fail (evidence != NULL);
  g_return_if_fail (verdict != NULL);

  *verdict = (SesameNatVerdict) { 0 };

  /* Any datagram from a server proves that UDP passes: whatever else went
   * wrong, the answer is "unknown", never "UDP blocked" */
  if (evidence->mapped_reply != SESAME_TRISTATE_YES && evidence->control_reply != SESAME_TRISTATE_YES)
    {
      if (evidence->primary_datagram == SESAME_TRISTATE_YES)
        {
          verdict->reason = _("The STUN server answered with something that is not a valid STUN response, so the NAT’s behaviour cannot be tested. UDP does get through.");
          return;
        }
      if (evidence->any_datagram == SESAME_TRISTATE_YES)
        {
          verdict->reason = _("The first STUN server did not answer, though another one did: UDP gets through, but the NAT’s behaviour cannot be tested without the first server.");
          return;
        }
    }

  if (evidence->mapped_reply == SESAME_TRISTATE_NO && evidence->control_reply != SESAME_TRISTATE_YES)
    {
      verdict->classic = SESAME_NAT_CLASSIC_UDP_BLOCKED;
      verdict->reason = _("No STUN server answered over UDP: UDP is blocked on the way to the internet, or the servers cannot be reached.");
      return;
    }

  if (evidence->mapped_reply != SESAME_TRISTATE_YES)
    {
      verdict->reason = _("The STUN test could not be made.");
      return;
    }

  verdict->mapping = classify_mapping (evidence, &not_independent, &mapping_reason);
  verdict->filtering = classify_filtering (evidence, &filtering_reason);

  switch (verdict->mapping)
    {
    case SESAME_NAT_MAPPING_NO_NAT:
      if (verdict->filtering == SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT)
        verdict->classic = SESAME_NAT_CLASSIC_OPEN_INTERNET;
      else if (verdict->filtering != SESAME_NAT_FILTERING_UNKNOWN)
        verdict->classic = SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL;
      break;

    case SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT:
      if (verdict->filtering == SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT)
        verdict->classic = SESAME_NAT_CLASSIC_FULL_CONE;
      else if (verdict->filtering == SESAME_NAT_FILTERING_ADDRESS_DEPENDENT)
        verdict->classic = SESAME_NAT_CLASSIC_RESTRICTED_CONE;
      else if (verdict->filtering == SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT)
        verdict->classic = SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE;
      break;

    case SESAME_NAT_MAPPING_ADDRESS_DEPENDENT:
    case SESAME_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT:
      verdict->classic = SESAME_NAT_CLASSIC_SYMMETRIC;
      break;

    case SESAME_NAT_MAPPING_UNKNOWN:
    default:
      /* A new external port per destination is symmetric whatever the details */
      if (not_independent)
        verdict->classic = SESAME_NAT_CLASSIC_SYMMETRIC;
      break;
    }

  verdict->reason = mapping_reason ? mapping_reason : filtering_reason;
}
