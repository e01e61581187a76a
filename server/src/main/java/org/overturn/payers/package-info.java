@NullMarked
package org.overturn.payers;

import org.jspecify.annotations.NullMarked;
