/* sesame-nat-classify.h: from the STUN tests' evidence to a NAT behaviour (RFC 4787 / 5780)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-probe-report.h"

G_BEGIN_DECLS

/* What the tests saw. UNKNOWN means the test could not be made or had no
 * conclusive outcome; NO means it was made and the answer is no (for
 * replies: none came despite retransmissions while the control did). */
typedef struct
{
  SesameTristate mapped_reply;        /* test I: the primary address answered */
  SesameTristate mapped_is_local;     /* test I's mapped address is our own address and port */
  SesameTristate other_address;       /* the server gave OTHER-ADDRESS */
  SesameTristate same_for_other_ip;   /* test II (alternate IP, primary port) mapped as test I */
  SesameTristate same_for_other_port; /* test III (alternate IP and port) mapped as test II */
  SesameTristate same_across_servers; /* a second server saw the mapping of test I */
  SesameTristate control_reply;       /* filtering: plain request on a fresh socket */
  SesameTristate change_ip_and_port;  /* filtering: reply from the alternate IP and port */
  SesameTristate change_port;         /* filtering: reply from the primary IP, alternate port */

  /* Any datagram at all, valid STUN or not, that came back from the first
   * server, or from any of the servers: proof that UDP passes */
  SesameTristate primary_datagram;
  SesameTristate any_datagram;
  /* The OTHER-ADDRESS given is not of the kind of the server's own address
   * (sesame_stun_address_may_contact()), so it was never contacted */
  SesameTristate other_address_refused;
} SesameNatEvidence;

typedef struct
{
  SesameNatMapping    mapping;
  SesameNatFiltering  filtering;
  SesameNatClassic    classic;
  const char         *reason;         /* nullable, translated: why something is unknown */
} SesameNatVerdict;

void     sesame_nat_classify               (const SesameNatEvidence *evidence,
                                            SesameNatVerdict        *verdict);
gboolean sesame_nat_silence_is_udp_blocked (gint64                   silent_ms,
                                            gint64                   internet_rtt_ms,
                                            guint                    unanswered);

G_END_DECLS
