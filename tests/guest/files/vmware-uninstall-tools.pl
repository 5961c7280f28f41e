#!/usr/bin/perl
# Stand-in for the uninstaller of a tarball VMware Tools install.
use strict;
unlink "/etc/vmware-tools/tools.conf";
rmdir "/etc/vmware-tools";
unlink "/usr/bin/vmware-uninstall-tools.pl";
print "VMware Tools removed\n";
exit 0;
