/* test-nat-classify.c: the decision table from STUN evidence to a NAT type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sesame-nat-classify.h"

#define Y SESAME_TRISTATE_YES
#define N SESAME_TRISTATE_NO
#define U SESAME_TRISTATE_UNKNOWN

static void
test_table (void)
{
  static const struct {
    const char *name;
    SesameNatEvidence evidence;
    SesameNatMapping mapping;
    SesameNatFiltering filtering;
    SesameNatClassic classic;
    gboolean reason;
  } cases[] = {
    /*                        reply local other  ip    port  srv   ctrl  chg   chgp */
    { "open internet",      { Y, Y, Y, U, U, U, Y, Y, Y }, SESAME_NAT_MAPPING_NO_NAT, SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT, SESAME_NAT_CLASSIC_OPEN_INTERNET, FALSE },
    { "udp firewall",       { Y, Y, Y, U, U, U, Y, N, N }, SESAME_NAT_MAPPING_NO_NAT, SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT, SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL, FALSE },
    { "full cone",          { Y, N, Y, Y, U, Y, Y, Y, Y }, SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT, SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT, SESAME_NAT_CLASSIC_FULL_CONE, FALSE },
    { "restricted cone",    { Y, N, Y, Y, U, U, Y, N, Y }, SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT, SESAME_NAT_FILTERING_ADDRESS_DEPENDENT, SESAME_NAT_CLASSIC_RESTRICTED_CONE, FALSE },
    { "port restricted",    { Y, N, Y, Y, U, U, Y, N, N }, SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT, SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT, SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE, FALSE },
    { "symmetric",          { Y, N, Y, N, N, U, Y, N, N }, SESAME_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT, SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT, SESAME_NAT_CLASSIC_SYMMETRIC, FALSE },
    { "address dependent",  { Y, N, Y, N, Y, U, Y, N, Y }, SESAME_NAT_MAPPING_ADDRESS_DEPENDENT, SESAME_NAT_FILTERING_ADDRESS_DEPENDENT, SESAME_NAT_CLASSIC_SYMMETRIC, FALSE },
    { "udp blocked",        { N, U, U, U, U, U, N, U, U }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UDP_BLOCKED, TRUE },
    /* Missing answers never make a stricter verdict */
    { "no control reply",   { Y, N, Y, Y, U, U, N, U, U }, SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "no second address",  { Y, N, N, U, U, U, Y, U, U }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    /* A server with one address: no answer can come from elsewhere, so a
     * change request's silence says nothing, whether open or a full cone */
    { "one address, open",  { Y, Y, N, U, U, U, Y, N, N }, SESAME_NAT_MAPPING_NO_NAT, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "one address, cone",  { Y, N, N, U, U, U, Y, N, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "test II lost",       { Y, N, Y, U, U, U, Y, N, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "test III lost",      { Y, N, Y, N, U, U, Y, N, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT, SESAME_NAT_CLASSIC_SYMMETRIC, TRUE },
    { "change-port unknown", { Y, N, Y, Y, U, U, Y, N, U }, SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "servers disagree",   { Y, N, Y, Y, U, N, Y, Y, Y }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "only filtering ran", { U, U, U, U, U, U, U, U, U }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    /* Any datagram back from a server proves that UDP passes: garbage, a
     * wrong transaction ID, an error response or a bad FINGERPRINT is
     * "unknown", never "UDP blocked" (the last three: first server's
     * datagram, any server's datagram, OTHER-ADDRESS refused) */
    { "invalid answers",    { N, U, U, U, U, U, N, U, U, Y, Y, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "invalid, deadline",  { U, U, U, U, U, U, U, U, U, Y, Y, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "second server only", { N, U, U, U, U, U, N, U, U, N, Y, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
    { "silence",            { N, U, U, U, U, U, N, U, U, N, N, N }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UDP_BLOCKED, TRUE },
    /* An OTHER-ADDRESS of another kind than the server's is not contacted */
    { "other refused",      { Y, N, Y, U, U, U, Y, U, U, Y, Y, Y }, SESAME_NAT_MAPPING_UNKNOWN, SESAME_NAT_FILTERING_UNKNOWN, SESAME_NAT_CLASSIC_UNKNOWN, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SesameNatVerdict verdict;

      g_test_message ("%s", cases[i].name);
      sesame_nat_classify (&cases[i].evidence, &verdict);
      g_assert_cmpstr (sesame_nat_mapping_to_string (verdict.mapping), ==,
                       sesame_nat_mapping_to_string (cases[i].mapping));
      g_assert_cmpstr (sesame_nat_filtering_to_string (verdict.filtering), ==,
                       sesame_nat_filtering_to_string (cases[i].filtering));
      g_assert_cmpstr (sesame_nat_classic_to_string (verdict.classic), ==,
                       sesame_nat_classic_to_string (cases[i].classic));
      g_assert_true ((verdict.reason != NULL) == cases[i].reason);
    }
}

/* The reasons say what happened, in words a person can act on */
static void
test_reasons (void)
{
  SesameNatEvidence garbage = { N, U, U, U, U, U, N, U, U, Y, Y, N };
  SesameNatEvidence refused = { Y, N, Y, U, U, U, Y, U, U, Y, Y, Y };
  SesameNatVerdict verdict;

  sesame_nat_classify (&garbage, &verdict);
  g_assert_cmpint (verdict.classic, ==, SESAME_NAT_CLASSIC_UNKNOWN);
  g_assert_nonnull (strstr (verdict.reason, "not a valid STUN response"));

  sesame_nat_classify (&refused, &verdict);
  g_assert_nonnull (strstr (verdict.reason, "second address"));
  g_assert_nonnull (strstr (verdict.reason, "did not send anything there"));
}

/* Silence from every STUN server means UDP is blocked: after 2.5 s when
 * nothing has measured the way to the internet; after 8 round trips, and
 * at least 1 s, when an answer over it has (an HTTP "what is my IP"
 * service); never before enough requests went unanswered */
static void
test_silence (void)
{
  /* No round trip known: 2.5 s, as always */
  g_assert_false (sesame_nat_silence_is_udp_blocked (1000, 0, 40));
  g_assert_false (sesame_nat_silence_is_udp_blocked (2499, 0, 40));
  g_assert_true (sesame_nat_silence_is_udp_blocked (2500, 0, 24));

  /* 50 ms to the internet: 1 s of silence is enough, not less */
  g_assert_false (sesame_nat_silence_is_udp_blocked (999, 50, 60));
  g_assert_true (sesame_nat_silence_is_udp_blocked (1000, 50, 60));

  /* 200 ms: 8 round trips, 1.6 s */
  g_assert_false (sesame_nat_silence_is_udp_blocked (1599, 200, 30));
  g_assert_true (sesame_nat_silence_is_udp_blocked (1600, 200, 30));

  /* 1.5 s, the slowest link Sesame copes with: not blocked at 2.5 s, nor
   * at any deadline short of 12 s */
  g_assert_false (sesame_nat_silence_is_udp_blocked (2500, 1500, 40));
  g_assert_false (sesame_nat_silence_is_udp_blocked (11999, 1500, 40));
  g_assert_true (sesame_nat_silence_is_udp_blocked (12000, 1500, 40));

  /* Too few requests had time for an answer: however long, not yet */
  g_assert_false (sesame_nat_silence_is_udp_blocked (1000, 50, 16));
  g_assert_false (sesame_nat_silence_is_udp_blocked (3000, 0, 3));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/nat-classify/table", test_table);
  g_test_add_func ("/nat-classify/reasons", test_reasons);
  g_test_add_func ("/nat-classify/silence", test_silence);

  return g_test_run ();
}
