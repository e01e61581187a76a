@NullMarked
package org.overturn.cds;

import org.jspecify.annotations.NullMarked;
