/* sesame-glossary.c: one plain line for each thing the checks can find
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-glossary"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-glossary.h"

static const struct
{
  const char *key;
  const char *text;
} glossary[] = {
  /* The checks, before they have found anything */
  { "public-address",
    N_("Your public address is the one the internet sees for your whole home; visitors use it to find your server.") },
  { "nat",
    N_("NAT (address translation) is how your router lets every device at home share one public address; the NAT type says how readily it lets answers from the internet back in.") },
  { "path",
    N_("The path is what lies between your router and the internet: a second router, or an address your provider shares among customers, can stop visitors before they reach your router.") },
  { "router",
    N_("Some routers let programs at home ask them to open a port (UPnP IGD, NAT-PMP or PCP); without that, you type the forwarding rows on the router’s settings page.") },
  { "port",
    N_("A port is a numbered door on a computer: each service waits behind its own, and the router must forward it for visitors from the internet to get in.") },

  /* NAT types */
  { "nat:open-internet",
    N_("No NAT: this computer has a public address of its own, so nothing changes its address on the way out.") },
  { "nat:full-cone",
    N_("Full cone: once a device at home has sent something out, anyone on the internet can answer it through the same port, the most open kind.") },
  { "nat:restricted-cone",
    N_("Restricted cone: only computers that a device at home has contacted first can answer it.") },
  { "nat:port-restricted-cone",
    N_("Port-restricted cone: only the exact address and port that a device at home has contacted can answer it.") },
  { "nat:symmetric",
    N_("Symmetric: the router uses a new public port for every destination, so games and calls that connect device to device often fail; forwarded ports still work.") },
  { "nat:symmetric-udp-firewall",
    N_("No NAT, but a firewall: this computer has a public address, yet a firewall lets in only answers to what it sent.") },

  /* The path */
  { "direct",
    N_("Your router holds the public address itself, so what you set on it decides what the internet can reach.") },
  { "cgnat",
    N_("Carrier-grade NAT: your provider puts many customers behind one public address, so nobody on the internet can reach your home by that address.") },
  { "double-nat",
    N_("Double NAT: two routers in a row each translate addresses, so a port opened on one stays closed on the other.") },
  { "no-public-address",
    N_("Without a public address of your own, the internet has no address that leads to your home.") },
  { "map-e",
    N_("MAP-E: a way some providers in Japan carry IPv4 over IPv6, sharing one public address among several customers, each with a small set of ports of its own.") },
  { "ds-lite",
    N_("DS-Lite: a way some providers carry IPv4 over IPv6 in which the provider, not your router, shares the public address, so no IPv4 port can be opened for you.") },
  { "connection-detected",
    N_("IPv4 over IPv6: the line carries IPv4 inside IPv6, and the provider, not only your router, decides which IPv4 ports can reach you.") },
  { "udp-blocked",
    N_("UDP is one of the two ways programs send data (the other is TCP); games, calls and video use it, and here it does not get through.") },
  { "hairpin",
    N_("Hairpinning is the router sending a visit to its own public address back inside; without it, a test from home fails even when visitors from outside get in.") },

  /* The router */
  { "router-automatic",
    N_("Automatic setup (UPnP IGD, NAT-PMP or PCP) lets a program at home ask the router to open a port, instead of you typing it on the router’s settings page.") },
  { "router-mismatch",
    N_("Sesame asked the router on your network what it is, and its answer is not the router you chose.") },

  /* The ports */
  { "port-not-listening",
    N_("No program waits behind this numbered door (port) on this computer, so visitors who reach it find nobody.") },
  { "port-mapped-elsewhere",
    N_("Port forwarding sends visitors arriving at a port to one computer at home; here the router sends them to a different one.") },
  { "port-unreachable",
    N_("A test server on the internet tried to connect to this port and could not: the router, a firewall or a program that is not running is in the way.") },
  { "port-not-mapped",
    N_("Port forwarding tells the router which computer at home gets the visitors for a port; this port has none yet.") },
  { "port-reachable",
    N_("A test server on the internet connected to this port: visitors can reach the service.") },
  { "port-mapped-by-sesame",
    N_("Sesame asked the router to forward this port for a limited time (a lease); when the lease ends, the router closes the port again.") },
};

/* "nat:udp-blocked" is what "udp-blocked" says */
static const char *
canonical (const char *key)
{
  return g_str_equal (key, "nat:udp-blocked") ? "udp-blocked" : key;
}

/**
 * sesame_glossary_explain:
 * @tr: the translation to say it in
 * @key: a finding id, "nat:" and a NAT type's nick, or a check's topic
 *
 * Returns: (nullable): one line in plain words, %NULL for a key without one
 */
const char *
sesame_glossary_explain (SesameTranslation *tr,
                         const char        *key)
{
  g_return_val_if_fail (SESAME_IS_TRANSLATION (tr), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  key = canonical (key);
  for (guint i = 0; i < G_N_ELEMENTS (glossary); i++)
    if (g_str_equal (glossary[i].key, key))
      return sesame_translation_gettext (tr, glossary[i].text);

  return NULL;
}

/**
 * sesame_glossary_keys:
 *
 * Returns: (transfer none) (array zero-terminated=1): every key with a line
 */
const char * const *
sesame_glossary_keys (void)
{
  static GPtrArray *keys;

  if (g_once_init_enter (&keys))
    {
      GPtrArray *all = g_ptr_array_new ();

      for (guint i = 0; i < G_N_ELEMENTS (glossary); i++)
        g_ptr_array_add (all, (gpointer) glossary[i].key);
      g_ptr_array_add (all, NULL);
      g_once_init_leave (&keys, all);
    }

  return (const char * const *) keys->pdata;
}
