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

/* Nothing at all from any server for this long, with no round trip to the
 * internet measured: UDP is blocked. Longer than the slowest round trip
 * Sesame promises to cope with (1.5 s) plus the first hop's address
 * resolution over it */
#define SILENCE_MS           2500
/* With a round trip to the internet measured, silence for this many of
 * them, and never less than MIN_SILENCE_MS */
#define SILENT_ROUND_TRIPS   8
#define MIN_SILENCE_MS       1000
/* Unanswered requests, each given its window, that make silence mean a
 * block even if the path lost half of what crossed it: 0.5^17 < 1e-5, the
 * risk a "no reply" is allowed (sesame-nat-probe.c) */
#define SILENT_REQUESTS      17

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

/**
 * sesame_nat_silence_is_udp_blocked:
 * @silent_ms: how long the STUN servers have been asked without a single
 *   datagram back
 * @internet_rtt_ms: the longest round trip measured on the run when an
 *   answer from a server on the internet (a "what is my IP" service over
 *   HTTP) proves that the way there works; 0 when none has
 * @unanswered: the requests to the servers, all tests together, that have
 *   had time for their answer and none
 *
 * Whether that silence means UDP is blocked. A working way to the internet
 * with a known round trip makes silence telling sooner: after 8 round trips
 * (at least 1 s); without one, only after 2.5 s, longer than the slowest
 * round trip Sesame copes with. Either way only after enough requests that
 * losing them all is not believable. On a slow link the wait is long, and
 * at the deadline before it the NAT type is unknown, never "UDP blocked".
 */
gboolean
sesame_nat_silence_is_udp_blocked (gint64 silent_ms,
                                   gint64 internet_rtt_ms,
                                   guint  unanswered)
{
  gint64 needed_ms = SILENCE_MS;

  if (internet_rtt_ms > 0)
    needed_ms = MAX (MIN_SILENCE_MS, SILENT_ROUND_TRIPS * internet_rtt_ms);

  return silent_ms >= needed_ms && unanswered >= SILENT_REQUESTS;
}
