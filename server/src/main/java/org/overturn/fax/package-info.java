@NullMarked
package org.overturn.fax;

import org.jspecify.annotations.NullMarked;
