@NullMarked
package org.overturn.summary;

import org.jspecify.annotations.NullMarked;
