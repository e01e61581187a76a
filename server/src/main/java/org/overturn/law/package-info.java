@NullMarked
package org.overturn.law;

import org.jspecify.annotations.NullMarked;
